/**
 * The k best training examples per test example, kept while the training data streams past in
 * batches (Captum's `_get_k_most_influential_helper`): memory `O(T · k)`, not `O(T · N)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A running top-k over the columns of a `[T, N]` score matrix seen in column blocks. */
export class StreamingTopK {
  readonly #k: number;
  readonly #largest: boolean;
  readonly #rows: { scores: number[]; indices: number[] }[];

  /** Keep the `k` largest (`largest`) or smallest scores of each of `rows` rows. */
  constructor(rows: number, k: number, largest: boolean) {
    this.#k = k;
    this.#largest = largest;
    this.#rows = Array.from({ length: rows }, () => ({ scores: [], indices: [] }));
  }

  /**
   * Merge a block of scores `[T, B]` (row-major) whose column `j` is example `offset + j`.
   * Ties keep the lower index first.
   */
  add(scores: Float32Array | number[], width: number, offset: number): void {
    const sign = this.#largest ? 1 : -1;
    this.#rows.forEach((row, i) => {
      const candidates = row.indices.map((index, n) => ({ index, score: row.scores[n] }));
      for (let j = 0; j < width; j++) {
        candidates.push({ index: offset + j, score: scores[i * width + j] });
      }
      candidates.sort((a, b) => sign * (b.score - a.score) || a.index - b.index);
      const kept = candidates.slice(0, this.#k);
      row.indices = kept.map((c) => c.index);
      row.scores = kept.map((c) => c.score);
    });
  }

  /** The kept indices (int32) and scores, `[T, min(k, N)]`, best first. */
  result(): { indices: tf.Tensor2D; scores: tf.Tensor2D } {
    const width = this.#rows[0]?.indices.length ?? 0;
    const rows = this.#rows.length;
    return {
      indices: tf.tensor2d(this.#rows.flatMap((r) => r.indices), [rows, width], "int32"),
      scores: tf.tensor2d(this.#rows.flatMap((r) => r.scores), [rows, width], "float32"),
    };
  }
}
