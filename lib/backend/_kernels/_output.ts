/**
 * A kernel's output buffer that is freed again if filling it throws (a trapping module, an
 * exhausted heap), so a failed kernel leaves no wasm buffer behind.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapView } from "./_wasm.ts";

/**
 * A new float32 buffer of `shape` on `backend`, filled by `write`; freed and the error rethrown if
 * `write` throws.
 */
export function filledOutput(
  backend: BackendWasm,
  shape: number[],
  write: (out: tf.TensorInfo) => void,
): tf.TensorInfo {
  const out = backend.makeOutput(shape, "float32");
  try {
    write(out);
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  }
  return out;
}

/**
 * A new float32 buffer of `shape` written by `loop` from views of `inputs` on the wasm heap (taken
 * after the allocation, which may grow the heap); freed and the error rethrown if `loop` throws.
 */
export function loopOutput(
  backend: BackendWasm,
  shape: number[],
  inputs: tf.TensorInfo[],
  loop: (views: Array<Float32Array | Int32Array>, out: Float32Array) => void,
): tf.TensorInfo {
  return filledOutput(backend, shape, (out) =>
    loop(
      inputs.map((info) => heapView(backend, info)),
      heapView(backend, out) as Float32Array,
    ));
}
