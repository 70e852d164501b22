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
import {
  AvgPool,
  type AvgPoolAttrs,
  Mean,
  type MeanAttrs,
  type MeanInputs,
  Reshape,
  Sum,
  type SumAttrs,
  type SumInputs,
} from "@tensorflow/tfjs-core";
import {
  disposeAll,
  heapView,
  runKernel,
  type WasmContext,
  wasmKernel,
  type WasmKernelArgs,
} from "./_wasm.ts";

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
  on: WasmContext,
  x: tf.TensorInfo,
  groups: number,
  rows: number,
  cols: number,
): tf.TensorInfo {
  const c = channelBlock(cols);
  const x4 = runKernel(Reshape, on, { x }, { shape: [groups, rows, cols / c, c] });
  const pooling: AvgPoolAttrs = {
    filterSize: [rows, 1],
    strides: [rows, 1],
    pad: "valid",
    dimRoundingMode: undefined,
  };
  const means = runKernel(AvgPool, on, { x: x4 }, pooling);
  disposeAll(on.backend, x4);
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

function rowReduction(x: tf.TensorInfo, attrs: SumAttrs): RowReduction | null {
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
function reducedMeans(on: WasmContext, x: tf.TensorInfo, r: RowReduction): tf.TensorInfo {
  const inner = r.rows / r.first;
  if (r.rows <= LONG_ROWS || r.first === 1 || inner === 1) {
    return rowMeans(on, x, r.outer, r.rows, r.cols);
  }
  const innerMeans = rowMeans(on, x, r.outer * r.first, inner, r.cols);
  const means = rowMeans(on, innerMeans, r.outer, r.first, r.cols);
  disposeAll(on.backend, innerMeans);
  return means;
}

/**
 * `Sum` (`scale` true: the means scaled back by their count) or `Mean` of `x` over `attrs.axis`
 * by pooling, or the stock kernel `name` where pooling does not apply.
 */
function reduce(
  name: typeof Sum | typeof Mean,
  on: WasmKernelArgs<SumInputs, SumAttrs>,
): tf.TensorInfo {
  const { inputs: { x }, attrs } = on;
  const r = rowReduction(x, attrs);
  if (r === null) return runKernel(name, on, { x }, { ...attrs });
  const means = reducedMeans(on, x, r);
  if (name === Sum) {
    const values = heapView(on.backend, means);
    for (let i = 0; i < values.length; i++) values[i] *= r.rows;
  }
  return { dataId: means.dataId, shape: r.outShape, dtype: "float32" };
}

/** `Mean` on `wasm` (fast means over consecutive axes before the last). */
export const meanKernel = wasmKernel(
  Mean,
  (args: WasmKernelArgs<MeanInputs, MeanAttrs>) => reduce(Mean, args),
);

/** `Sum` on `wasm` (fast sums over consecutive axes before the last). */
export const sumKernel = wasmKernel(
  Sum,
  (args: WasmKernelArgs<SumInputs, SumAttrs>) => reduce(Sum, args),
);
