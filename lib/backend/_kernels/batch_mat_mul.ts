/**
 * `BatchMatMul` for the wasm backend. The stock kernel runs XNNPACK's fully-connected operator only
 * for untransposed operands with batch 1 (and a slow loop otherwise); that operator packs its
 * second operand ("weights") on creation and caches the packing under that tensor's id, so a
 * persistent weight matrix as the second operand is packed once, an ephemeral one on every call.
 *
 * Here, with batch 1: `A·Bᵀ` (a dense layer's input gradient `dy·Wᵀ`) multiplies by a transpose
 * of B derived once per buffer and kept until B is freed, so for a persistent B the stock kernel's
 * cached packing serves every call (one image, W `[12544, 10]`: ~0.25 → ~0.05 ms); with a
 * transposed A (a weight gradient `xᵀ·dy`), `C = op(A)·op(B)` runs either directly (transposing
 * what is transposed) or as `Cᵀ = op(B)ᵀ·op(A)ᵀ`, whichever moves fewer values. Untransposed
 * products go to the stock kernel (so a persistent second operand keeps its cached packing);
 * batched ones with transposes are transposed explicitly first (the stock transposed loop is ~10x
 * slower).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { BatchMatMul, type BatchMatMulAttrs, type BatchMatMulInputs } from "@tensorflow/tfjs-core";
import { derivedBuffer } from "./_derived_cache.ts";
import {
  disposeAll,
  heapView,
  reshape,
  runKernel,
  transpose,
  type WasmContext,
  wasmKernel,
  type WasmKernelArgs,
} from "./_wasm.ts";

/** Swap the last two axes of `x`. */
function transposeLast2(on: WasmContext, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose(on, x, perm);
}

/**
 * `x`'s values in a new buffer of shape `shape`. XNNPACK's cached packing is keyed by the second
 * operand's buffer id alone (not its shape), so a second operand that is a reshaped view of a
 * tensor used elsewhere could later be served a packing of the wrong shape: give it its own id.
 */
function copyAs(backend: BackendWasm, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, "float32");
  heapView(backend, out).set(heapView(backend, x));
  return out;
}

/** `a · b` by the stock kernel (untransposed operands). */
export function matMul(on: WasmContext, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return runKernel(BatchMatMul, on, { a, b }, { transposeA: false, transposeB: false });
}

/** The batch path: transposed operands transposed explicitly, then the stock kernel. */
function transposedThenStock(
  on: WasmContext,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const aa = transposeA ? transposeLast2(on, a) : a;
  const bb = transposeB ? transposeLast2(on, b) : b;
  const out = matMul(on, aa, bb);
  if (transposeA) disposeAll(on.backend, aa);
  if (transposeB) disposeAll(on.backend, bb);
  return out;
}

function batchMatMul(
  on: WasmKernelArgs<BatchMatMulInputs, BatchMatMulAttrs>,
): tf.TensorInfo {
  const { inputs: { a, b }, attrs: { transposeA, transposeB }, backend } = on;
  if ((!transposeA && !transposeB) || a.dtype !== "float32" || b.dtype !== "float32") {
    return runKernel(BatchMatMul, on, { a, b }, { transposeA, transposeB });
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  if (outerA.some((d) => d !== 1) || outerB.some((d) => d !== 1)) {
    return transposedThenStock(on, a, b, transposeA, transposeB);
  }
  // Batch 1: op(A) is [m, k], op(B) is [k, n].
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const outShape = [...(outerA.length >= outerB.length ? outerA : outerB), m, n];
  if (transposeB && !transposeA) {
    // `A·Bᵀ`: Bᵀ is derived once and kept while B's buffer lives (see the module note).
    const bT = derivedBuffer(
      backend,
      b,
      `transpose ${n}x${k}`,
      () => transpose2D(on, b, n, k),
    );
    const a2 = reshape(on, a, [m, k]);
    const out = matMul(on, a2, bT);
    disposeAll(backend, a2);
    return { dataId: out.dataId, shape: outShape, dtype: out.dtype };
  }
  // A transposed A. Values moved besides the product itself: transposes, copies and XNNPACK's
  // packing of the second operand (a fresh one on every call: it is not a persistent weight).
  const direct = (transposeA ? m * k : 0) + (transposeB ? 2 * k * n : k * n);
  const swapped = (transposeB ? 0 : k * n) + 2 * k * m + (m === 1 || n === 1 ? 0 : m * n);
  if (direct <= swapped) {
    const out = transposedThenStock(on, a, b, transposeA, transposeB);
    return { dataId: out.dataId, shape: outShape, dtype: out.dtype };
  }
  // Cᵀ [n, m] = op(B)ᵀ [n, k] · op(A)ᵀ [k, m].
  const bt = transposeB ? reshape(on, b, [n, k]) : transpose2D(on, b, k, n);
  const at = transposeA || m === 1 ? copyAs(backend, a, [k, m]) : transpose2D(on, a, m, k);
  const ct = matMul(on, bt, at);
  disposeAll(backend, bt, at);
  if (m === 1 || n === 1) return { dataId: ct.dataId, shape: outShape, dtype: ct.dtype };
  const c = transpose2D(on, ct, n, m);
  disposeAll(backend, ct);
  return { dataId: c.dataId, shape: outShape, dtype: c.dtype };
}

/** The `[cols, rows]` transpose of a batch-1 operand holding a `[rows, cols]` matrix. */
function transpose2D(on: WasmContext, x: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  const x2 = reshape(on, x, [rows, cols]);
  const out = transpose(on, x2, [1, 0]);
  disposeAll(on.backend, x2);
  return out;
}

/** `BatchMatMul` on `wasm` (fast transposed operands). */
export const batchMatMulKernel = wasmKernel(BatchMatMul, batchMatMul);
