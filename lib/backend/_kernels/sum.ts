/**
 * `Sum` for the wasm backend: a float32 sum over leading axes (a bias gradient: sum over batch,
 * height and width; the weighted sum over integration steps) runs as XNNPACK average pooling down
 * the summed rows, scaled back by their count. The summed columns become the pooling's channels, in
 * blocks of at most 4096 (XNNPACK's multipass pooling keeps a row of channels on the 64 KiB wasm
 * stack: more than ~16k channels reads out of bounds). Measured: [50, 25088] over axis 0
 * 2.8 → 0.36 ms, [200, 25088] 5.9 → 1.06 ms, [2, 25088] 0.11 → 0.09 ms. When there are several
 * summed axes, the rows of each index of the first are pooled, then those means (fewer, so the
 * float32 accumulation stays short). Small sums and every other case go to the backend's kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { disposeAll, heapView, type KernelArgs, runKernel } from "./_wasm.ts";

/** Fewest summed values for which pooling beats the backend's kernel. */
const MIN_VALUES = 32768;

/** Most channels per pooled pixel (a safe margin below XNNPACK's stack limit). */
const MAX_CHANNELS = 4096;

/** The largest divisor of `cols` that is at most {@linkcode MAX_CHANNELS}. */
function channelBlock(cols: number): number {
  for (let d = Math.min(cols, MAX_CHANNELS); d > 1; d--) if (cols % d === 0) return d;
  return 1;
}

/**
 * Means over `rows` consecutive rows of `x` viewed as `[groups, rows, cols]`: `[groups, cols]` as
 * `[groups, 1, cols / c, c]` (average pooling with a `rows × 1` window).
 */
function rowMeans(
  backend: BackendWasm,
  x: tf.TensorInfo,
  groups: number,
  rows: number,
  cols: number,
): tf.TensorInfo {
  const c = channelBlock(cols);
  const x4 = runKernel("Reshape", backend, { x }, { shape: [groups, rows, cols / c, c] });
  const means = runKernel("AvgPool", backend, { x: x4 }, {
    filterSize: [rows, 1],
    strides: [rows, 1],
    pad: "valid",
    dimRoundingMode: undefined,
  });
  disposeAll(backend, x4);
  return means;
}

function sum(
  args: KernelArgs,
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).slice().sort((p, q) => p - q);
  const leading = axes.length > 0 && axes.length < rank && axes.every((v, i) => v === i);
  const rows = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
  const size = x.shape.reduce((p, q) => p * q, 1);
  if (!leading || x.dtype !== "float32" || rows < 2 || size < MIN_VALUES) {
    return runKernel("Sum", backend, { x }, { axis, keepDims });
  }
  const rest = x.shape.slice(axes.length);
  const cols = size / rows;
  const outShape = keepDims ? [...axes.map(() => 1), ...rest] : rest;
  const outer = x.shape[0];
  const inner = rows / outer;
  let means: tf.TensorInfo;
  if (inner > 1 && outer > 1) {
    const innerMeans = rowMeans(backend, x, outer, inner, cols);
    means = rowMeans(backend, innerMeans, 1, outer, cols);
    disposeAll(backend, innerMeans);
  } else {
    means = rowMeans(backend, x, 1, rows, cols);
  }
  const values = heapView(backend, means);
  for (let i = 0; i < values.length; i++) values[i] *= rows;
  return { dataId: means.dataId, shape: outShape, dtype: "float32" };
}

/** Kernel config: `Sum` on `wasm` (fast sums over leading axes). */
export const sumConfig: tf.KernelConfig = {
  kernelName: "Sum",
  backendName: "wasm",
  kernelFunc: sum as unknown as tf.KernelFunc,
};
