/**
 * `complexity`: the entropy of an attribution map's normalized absolute values (Bhatt et al.,
 * 2020).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { perExample } from "./sparseness.ts";

/**
 * Complexity of each example's attributions (lower: fewer features carry the attribution): the
 * Shannon entropy (natural log) of the fractional contributions `pᵢ = |aᵢ| / Σⱼ |aⱼ|`,
 * `−Σᵢ pᵢ ln pᵢ` (Bhatt et al.; Quantus's `Complexity`). It is 0 for a one-hot map and ln n for a
 * constant map of n values; `NaN` for an all-zero map, where it is undefined. It depends on the
 * attributions only, not on the model.
 *
 * Reference: U. Bhatt, A. Weller, J. M. F. Moura, "Evaluating and Aggregating Feature-based
 * Model Explanations", IJCAI 2020.
 *
 * @example
 * ```ts
 * import { complexity, tf } from "../mod.ts";
 * const maps = tf.tensor2d([[0, 0, 0, 5], [1, -1, 1, 1]]);
 * console.log(Array.from(await complexity(maps))); // [0, 1.386…] (ln 4)
 * ```
 *
 * @throws {TypeError} when `attributions` is not a tensor with a batch axis.
 */
export async function complexity(attributions: tf.Tensor): Promise<Float64Array> {
  const rows = await perExample("complexity", attributions);
  return Float64Array.from(rows, (row) => {
    let sum = 0;
    for (const v of row) sum += Math.abs(v);
    if (sum === 0) return NaN;
    let h = 0;
    for (const v of row) {
      const p = Math.abs(v) / sum;
      if (p > 0) h -= p * Math.log(p);
    }
    return h;
  });
}
