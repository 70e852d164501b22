/**
 * `sparseness`: the Gini index of an attribution map's absolute values (Chalasani et al., 2020).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { metricError } from "../attr/_utils/metric_errors.ts";

/**
 * Sparseness of each example's attributions, in [0, 1) (higher: the attribution is concentrated
 * on fewer features): the Gini index of the n absolute values sorted ascending, a₍₁₎ ≤ … ≤ a₍ₙ₎,
 * `Σᵢ (2i − n − 1) a₍ᵢ₎ / (n Σᵢ a₍ᵢ₎)` (Chalasani et al., 2020; Quantus's `Sparseness`, which adds
 * 1e-7 to every value to avoid a division by zero: here an all-zero map has sparseness 0, the
 * limit of that). A one-hot map of n values has sparseness (n − 1)/n, a constant map 0. It
 * depends on the attributions only, not on the model.
 *
 * Reference: P. Chalasani, J. Chen, A. R. Chowdhury, X. Wu, S. Jha, "Concise Explanations of
 * Neural Networks using Adversarial Training", ICML 2020.
 *
 * @example
 * ```ts
 * import { sparseness, tf } from "../mod.ts";
 * const maps = tf.tensor2d([[0, 0, 0, 5], [1, 1, 1, 1]]);
 * console.log(Array.from(await sparseness(maps))); // [0.75, 0]
 * ```
 *
 * @throws {TypeError} when `attributions` is not a tensor with a batch axis.
 */
export async function sparseness(attributions: tf.Tensor): Promise<Float64Array> {
  const rows = await perExample("sparseness", attributions);
  return Float64Array.from(rows, (row) => {
    const a = Float64Array.from(row, Math.abs).sort();
    const n = a.length;
    let num = 0, sum = 0;
    for (let i = 0; i < n; i++) {
      num += (2 * (i + 1) - n - 1) * a[i];
      sum += a[i];
    }
    return sum === 0 ? 0 : num / (n * sum);
  });
}

/** Each example's values (`[N, ...]` → N rows). */
export async function perExample(metric: string, attributions: unknown): Promise<Float32Array[]> {
  if (!(attributions instanceof tf.Tensor) || attributions.rank < 2 || attributions.isDisposed) {
    throw metricError(
      metric,
      "attributions",
      "a batch of attributions [N, ...] (a live tensor of rank ≥ 2)",
      attributions,
      "Pass the attributions of a batch, e.g. [N, 28, 28, 1].",
    );
  }
  const values = await attributions.data() as Float32Array;
  const n = attributions.shape[0], size = values.length / n;
  return Array.from({ length: n }, (_, e) => values.subarray(e * size, (e + 1) * size));
}
