/**
 * `Sum` for the wasm backend: a float32 sum over leading axes (a bias gradient: sum over batch,
 * height and width) runs as XNNPACK average pooling over all but the first summed axis, then a
 * short sequential pass over the first one (~3x faster than a sequential pass over all the data,
 * which is itself several times faster than the stock transpose-then-reduce). Every other case
 * goes to the backend's own kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { disposeAll, heapView, type KernelArgs, runKernel } from "./_wasm.ts";

/** Smallest number of summed rows for which the sequential pass is used. */
const MIN_ROWS = 64;

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
  if (!leading || x.dtype !== "float32" || rows < MIN_ROWS) {
    return runKernel("Sum", backend, { x }, { axis, keepDims });
  }
  const rest = x.shape.slice(axes.length);
  const cols = rest.reduce((p, q) => p * q, 1);
  const outShape = keepDims ? [...axes.map(() => 1), ...rest] : rest;
  const out = backend.makeOutput(outShape, "float32");
  const outer = x.shape[0];
  const inner = rows / outer;
  const acc = new Float64Array(cols);
  if (inner > 1) {
    // Mean over the inner rows of each outer row: [outer, inner, 1, cols] → [outer, 1, 1, cols].
    const x4 = runKernel("Reshape", backend, { x }, { shape: [outer, inner, 1, cols] });
    const means = runKernel("AvgPool", backend, { x: x4 }, {
      filterSize: [inner, 1],
      strides: [inner, 1],
      pad: "valid",
      dimRoundingMode: undefined,
    });
    addRows(heapView(backend, means), outer, cols, acc);
    for (let c = 0; c < cols; c++) acc[c] *= inner;
    disposeAll(backend, x4, means);
  } else {
    addRows(heapView(backend, x), rows, cols, acc);
  }
  heapView(backend, out).set(acc);
  return out;
}

/** `acc[c] += Σ_r src[r·cols + c]`. */
function addRows(src: ArrayLike<number>, rows: number, cols: number, acc: Float64Array): void {
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    for (let c = 0; c < cols; c++) acc[c] += src[base + c];
  }
}

/** Kernel config: `Sum` on `wasm` (fast reduction over leading axes). */
export const sumConfig: tf.KernelConfig = {
  kernelName: "Sum",
  backendName: "wasm",
  kernelFunc: sum as unknown as tf.KernelFunc,
};
