/**
 * `Sum` and `Mean` for the wasm backend: a float32 reduction over consecutive axes that keeps the
 * last axis (a bias gradient: sum over batch, height and width; the weighted sum over integration
 * steps; Grad-CAM's mean over height and width) runs as XNNPACK average pooling down the reduced
 * rows (a sum scales the means back by their count). The kept columns become the pooling's
 * channels, in blocks of at most 4096 (XNNPACK's multipass pooling keeps a row of channels on the
 * 64 KiB wasm stack: more than ~16k channels reads out of bounds). A reduction of more than 4096
 * rows over several axes pools the rows of each index of the first axis, then those means, so the
 * float32 accumulation stays short. Measured: Sum of [50, 25088] over axis 0 2.8 → 0.3 ms; Mean
 * of [50, 28, 28, 32] over axes 1, 2 3.0 → 0.15 ms, of [1, 28, 28, 16] 51 → 27 µs. Small
 * reductions and every other case go to the backend's kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { disposeAll, heapView, type KernelArgs, runKernel } from "./_wasm.ts";

/** Fewest values for which pooling beats the backend's kernel. */
const MIN_VALUES = 8192;

/** Longest run of rows pooled at once (longer reductions over several axes pool in two steps). */
const LONG_ROWS = 4096;

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

/** A reduction over consecutive axes that leaves the last axis: `[outer, rows, cols]`. */
interface RowReduction {
  outer: number;
  rows: number;
  cols: number;
  /** Size of the first reduced axis. */
  first: number;
  outShape: number[];
}

function rowReduction(x: tf.TensorInfo, attrs: tf.SumAttrs): RowReduction | null {
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape).slice().sort((p, q) => p - q);
  if (axes.length === 0 || x.dtype !== "float32") return null;
  const [a, b] = [axes[0], axes[axes.length - 1]];
  if (b - a !== axes.length - 1 || b >= rank - 1) return null;
  const product = (dims: number[]) => dims.reduce((p, q) => p * q, 1);
  const [outer, rows, cols] = [x.shape.slice(0, a), x.shape.slice(a, b + 1), x.shape.slice(b + 1)]
    .map(product);
  if (rows < 2 || outer * rows * cols < MIN_VALUES) return null;
  const outShape = attrs.keepDims
    ? x.shape.map((d, i) => (i >= a && i <= b ? 1 : d))
    : x.shape.filter((_, i) => i < a || i > b);
  return { outer, rows, cols, first: x.shape[a], outShape };
}

/** Means over the reduced rows; long reductions over several axes pool the first one last. */
function reducedMeans(backend: BackendWasm, x: tf.TensorInfo, r: RowReduction): tf.TensorInfo {
  const inner = r.rows / r.first;
  if (r.rows <= LONG_ROWS || r.first === 1 || inner === 1) {
    return rowMeans(backend, x, r.outer, r.rows, r.cols);
  }
  const innerMeans = rowMeans(backend, x, r.outer * r.first, inner, r.cols);
  const means = rowMeans(backend, innerMeans, r.outer, r.first, r.cols);
  disposeAll(backend, innerMeans);
  return means;
}

function sum(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.SumAttrs;
  const r = rowReduction(x, attrs);
  if (r === null) return runKernel("Sum", backend, { x }, { ...attrs });
  const means = reducedMeans(backend, x, r);
  const values = heapView(backend, means);
  for (let i = 0; i < values.length; i++) values[i] *= r.rows;
  return { dataId: means.dataId, shape: r.outShape, dtype: "float32" };
}

function mean(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.MeanAttrs;
  const r = rowReduction(x, attrs);
  if (r === null) return runKernel("Mean", backend, { x }, { ...attrs });
  const means = reducedMeans(backend, x, r);
  return { dataId: means.dataId, shape: r.outShape, dtype: "float32" };
}

/** Kernel config: `Mean` on `wasm` (fast means over consecutive axes before the last). */
export const meanConfig: tf.KernelConfig = {
  kernelName: "Mean",
  backendName: "wasm",
  kernelFunc: mean as unknown as tf.KernelFunc,
};

/** Kernel config: `Sum` on `wasm` (fast sums over consecutive axes before the last). */
export const sumConfig: tf.KernelConfig = {
  kernelName: "Sum",
  backendName: "wasm",
  kernelFunc: sum as unknown as tf.KernelFunc,
};
