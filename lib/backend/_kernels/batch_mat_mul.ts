/**
 * `BatchMatMul` for the wasm backend: transposed operands are transposed explicitly first, then
 * multiplied by the backend's plain (XNNPACK) path. The stock kernel's transposed path is ~10x
 * slower than transpose + plain matmul for a dense layer's gradients.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { disposeAll, runKernel, transpose } from "./_wasm.ts";

/** Swap the last two axes of `x`. */
function transposeLast2(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose(backend, x, perm);
}

function batchMatMul(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  if ((!transposeA && !transposeB) || a.dtype !== "float32" || b.dtype !== "float32") {
    return runKernel("BatchMatMul", backend, { a, b }, { transposeA, transposeB });
  }
  const aa = transposeA ? transposeLast2(backend, a) : a;
  const bb = transposeB ? transposeLast2(backend, b) : b;
  const out = runKernel("BatchMatMul", backend, { a: aa, b: bb }, {
    transposeA: false,
    transposeB: false,
  });
  if (transposeA) disposeAll(backend, aa);
  if (transposeB) disposeAll(backend, bb);
  return out;
}

/** Kernel config: `BatchMatMul` on `wasm` (fast transposed operands). */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: "BatchMatMul",
  backendName: "wasm",
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
