/**
 * Sum per-chunk partial results without keeping more than the running total alive.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * `Σ part(start, end)` over `chunks` (e.g. from `stepChunks`), each part computed in its own
 * `tf.tidy` and added to the running total (`total + part`, in chunk order), so only the total
 * outlives a chunk. Returns a new tensor the caller owns; on error nothing is left behind.
 */
export function sumOverChunks(
  chunks: readonly (readonly [number, number])[],
  part: (start: number, end: number) => tf.Tensor,
): tf.Tensor {
  let total: tf.Tensor | undefined;
  try {
    for (const [start, end] of chunks) {
      const next = tf.tidy(() => {
        const p = part(start, end);
        return total === undefined ? p : total.add(p);
      });
      total?.dispose();
      total = next;
    }
  } catch (error) {
    total?.dispose();
    throw error;
  }
  return total!;
}
