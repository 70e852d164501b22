/**
 * Sum per-chunk partial results without keeping more than the running total alive.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { CallProgress } from "./progress.ts";

/**
 * `Σ part(start, end)` over `chunks` (e.g. from `stepChunks`), each part computed in its own
 * `tf.tidy` and added to the running total (`total + part`, in chunk order), so only the total
 * outlives a chunk. After each chunk, `progress` advances to the chunk's end (and the event loop
 * runs, so that Jupyter shows it). Returns a new tensor the caller owns; on error nothing is left
 * behind.
 */
export async function sumOverChunks(
  chunks: readonly (readonly [number, number])[],
  part: (start: number, end: number) => tf.Tensor,
  progress?: CallProgress,
): Promise<tf.Tensor> {
  let total: tf.Tensor | undefined;
  try {
    for (const [start, end] of chunks) {
      const next = tf.tidy(() => {
        const p = part(start, end);
        return total === undefined ? p : total.add(p);
      });
      total?.dispose();
      total = next;
      await progress?.advance(end);
    }
    await progress?.finish();
  } catch (error) {
    total?.dispose();
    throw error;
  }
  return total!;
}
