/**
 * Private helpers for kernels registered on the `wasm` backend: calling other wasm kernels,
 * disposing intermediates, and reading/writing tensor data on the wasm heap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** Attributes passed to a kernel function. */
export type Attrs = Record<string, unknown>;

/** What TensorFlow.js passes to a kernel function (the backend is the wasm one). */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** Explicit NHWC padding: `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Geometry of a stride-only NHWC/NCHW 2-D convolution (no dilation) of an input of `xShape` by a
 * filter of `filterShape`, as the backprop kernels' attributes describe it.
 */
export function conv2DInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: Pick<tf.Conv2DBackpropInputAttrs, "strides" | "pad" | "dimRoundingMode">,
  dataFormat: "channelsFirst" | "channelsLast",
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
}

/** Kernel functions captured before this library replaced them, by kernel name. */
export const originalKernels: Map<string, tf.KernelConfig> = new Map();

/**
 * Run the wasm backend's kernel `name` (the original one when this library replaced it).
 *
 * @param name kernel name, e.g. `"Conv2D"`.
 * @param backend the wasm backend instance.
 * @param inputs named input tensors.
 * @param attrs kernel attributes.
 * @returns the kernel's single output.
 */
export function runKernel(
  name: string,
  backend: BackendWasm,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Attrs = {},
): tf.TensorInfo {
  const config = originalKernels.get(name) ?? tf.getKernel(name, "wasm");
  if (config === undefined) {
    throw new Error(`Cannot run the wasm kernel "${name}": it is not registered.`);
  }
  return config.kernelFunc({
    inputs,
    backend,
    attrs: attrs as unknown as tf.NamedAttrMap,
  }) as tf.TensorInfo;
}

/** Release intermediate tensors created inside a kernel. */
export function disposeAll(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Transpose `x` by `perm` on the wasm backend. */
export function transpose(backend: BackendWasm, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runKernel("Transpose", backend, { x }, { perm });
}

/**
 * Forward NHWC convolution on XNNPACK with explicit padding; negative paddings crop the input.
 *
 * @param backend the wasm backend.
 * @param x input `[batch, height, width, inChannels]`.
 * @param filter filter `[filterHeight, filterWidth, inChannels, outChannels]`.
 * @param pads `[top, bottom, left, right]`, any of which may be negative.
 * @param dilations `[dilationHeight, dilationWidth]`.
 */
export function conv2d(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pads: [number, number, number, number],
  dilations: [number, number] = [1, 1],
): tf.TensorInfo {
  const [top, bottom, left, right] = pads;
  let input = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [b, h, w, c] = x.shape;
    const t0 = Math.max(0, -top);
    const l0 = Math.max(0, -left);
    const size = [b, h - t0 - Math.max(0, -bottom), w - l0 - Math.max(0, -right), c];
    input = runKernel("Slice", backend, { x }, { begin: [0, t0, l0, 0], size });
  }
  const pad: ExplicitPad = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  const out = runKernel("Conv2D", backend, { x: input, filter }, {
    strides: [1, 1],
    pad,
    dataFormat: "NHWC",
    dilations,
    dimRoundingMode: undefined,
  });
  if (input !== x) disposeAll(backend, input);
  return out;
}

/** The float32 or int32 values of `info`, viewed on the wasm heap (valid until the next allocation). */
export function heapView(backend: BackendWasm, info: tf.TensorInfo): Float32Array | Int32Array {
  return backend.typedArrayFromHeap(info) as Float32Array | Int32Array;
}
