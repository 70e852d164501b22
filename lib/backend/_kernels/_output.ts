/**
 * A kernel's output buffer that is freed again if filling it throws (a trapping module, an
 * exhausted heap), so a failed kernel leaves no wasm buffer behind.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

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
