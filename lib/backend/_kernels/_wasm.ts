/**
 * Private helpers for kernels registered on the `wasm` backend: typed kernel functions, calling
 * the backend's own kernels, disposing intermediates, and reading tensor data on the wasm heap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { Conv2D, type Conv2DAttrs, Reshape, Slice, Transpose } from "@tensorflow/tfjs-core";

/** The wasm backend's own kernels that registration replaced, by kernel name. */
export type StockKernels = ReadonlyMap<string, tf.KernelConfig>;

/** Where a kernel runs: the wasm backend, and the stock kernels this library replaced on it. */
export interface WasmContext {
  backend: BackendWasm;
  stock: StockKernels;
}

/** A tfjs-core `*Inputs` type with its required inputs present (optional ones stay optional). */
export type Present<I> = { [K in keyof I]: Exclude<I[K], undefined> };

/**
 * What a kernel function of this library receives: its inputs and attributes typed by tfjs-core's
 * `*Inputs` (`I`) and `*Attrs` (`A`), and where it runs.
 */
export interface WasmKernelArgs<I, A> extends WasmContext {
  inputs: Present<I>;
  attrs: A;
}

/** A kernel this library registers on the `wasm` backend. */
export interface WasmKernel {
  /** The kernel's name (a tfjs-core kernel-name constant). */
  readonly kernelName: string;
  /** The config to register, given the stock kernels the kernel may fall back to. */
  config(stock: StockKernels): tf.KernelConfig;
}

/**
 * Marks a registered config as this library's and carries the stock kernels it was made with
 * (so a second registration finds them in the kernel registry instead of in module state).
 */
export const STOCK_KERNELS: unique symbol = Symbol("stockKernels");

/** A config of this library, as found in the kernel registry. */
export type OwnKernelConfig = tf.KernelConfig & { [STOCK_KERNELS]: StockKernels };

/** Whether `config` was made by {@linkcode wasmKernel}; narrows to carry its stock kernels. */
export function isOwnKernelConfig(config: tf.KernelConfig | undefined): config is OwnKernelConfig {
  return config !== undefined && STOCK_KERNELS in config;
}

/**
 * A kernel of this library: `kernelFunc` receives its inputs and attributes typed as tfjs-core's
 * `*Inputs` and `*Attrs` declare them (the one place the registry's untyped arguments are read).
 */
export function wasmKernel<I extends object, A extends object>(
  kernelName: string,
  kernelFunc: (args: WasmKernelArgs<I, A>) => tf.TensorInfo,
): WasmKernel {
  return {
    kernelName,
    config(stock: StockKernels): OwnKernelConfig {
      return {
        kernelName,
        backendName: "wasm",
        kernelFunc: ({ inputs, backend, attrs }) =>
          kernelFunc({
            inputs: inputs as Present<I>,
            attrs: (attrs ?? {}) as A,
            backend: backend as BackendWasm,
            stock,
          }),
        [STOCK_KERNELS]: stock,
      };
    },
  };
}

/**
 * Run the wasm backend's own kernel `name`: the stock one where this library replaced it,
 * otherwise the registered one (never one of this library's).
 *
 * @param name kernel name, a tfjs-core constant such as `Conv2D`.
 * @param on the wasm backend and the stock kernels.
 * @param inputs named input tensors.
 * @param attrs kernel attributes.
 * @returns the kernel's single output.
 */
export function runKernel<A extends object>(
  name: string,
  on: WasmContext,
  inputs: tf.NamedTensorInfoMap,
  attrs?: A,
): tf.TensorInfo {
  const config = on.stock.get(name) ?? tf.getKernel(name, "wasm");
  if (config === undefined || isOwnKernelConfig(config)) {
    throw new Error(
      `Cannot run the wasm backend's own kernel "${name}": the backend has none registered.`,
    );
  }
  return config.kernelFunc({
    inputs,
    backend: on.backend,
    attrs: (attrs ?? {}) as tf.NamedAttrMap,
  }) as tf.TensorInfo;
}

/** Release intermediate tensors created inside a kernel. */
export function disposeAll(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Transpose `x` by `perm` on the wasm backend. */
export function transpose(on: WasmContext, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runKernel(Transpose, on, { x }, { perm });
}

/** `x` viewed with `shape` (the same buffer; the caller has one reference to drop). */
export function reshape(on: WasmContext, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return runKernel(Reshape, on, { x }, { shape });
}

/** `x` viewed as a matrix: one row per index of all axes but the last. */
export function asRows(on: WasmContext, x: tf.TensorInfo): tf.TensorInfo {
  const cols = x.shape[x.shape.length - 1];
  const rows = x.shape.slice(0, -1).reduce((p, q) => p * q, 1);
  return reshape(on, x, [rows, cols]);
}

/**
 * Forward NHWC convolution on XNNPACK with explicit padding; negative paddings crop the input.
 *
 * @param on the wasm backend and the stock kernels.
 * @param x input `[batch, height, width, inChannels]`.
 * @param filter filter `[filterHeight, filterWidth, inChannels, outChannels]`.
 * @param pads `[top, bottom, left, right]`, any of which may be negative.
 * @param dilations `[dilationHeight, dilationWidth]`.
 */
export function conv2d(
  on: WasmContext,
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
    input = runKernel(Slice, on, { x }, { begin: [0, t0, l0, 0], size });
  }
  const attrs: Conv2DAttrs = {
    strides: [1, 1],
    pad: [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ],
    dataFormat: "NHWC",
    dilations,
    dimRoundingMode: undefined,
  };
  const out = runKernel(Conv2D, on, { x: input, filter }, attrs);
  if (input !== x) disposeAll(on.backend, input);
  return out;
}

/** The float32 or int32 values of `info`, viewed on the wasm heap (valid until the next allocation). */
export function heapView(backend: BackendWasm, info: tf.TensorInfo): Float32Array | Int32Array {
  return backend.typedArrayFromHeap(info) as Float32Array | Int32Array;
}
