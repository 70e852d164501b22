/**
 * `deletionCurve`: how fast the model's score falls as the features an attribution ranks first
 * are removed (Samek et al., 2017; Petsiuk et al., 2018), with its AUC and AOPC.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ModelLike } from "../attr/types.ts";
import { perturbationCurve } from "./_perturbation_curve.ts";
import type { DeletionCurve, PerturbationCurveOptions } from "./perturbation_curve.ts";

/**
 * The deletion curve of `attributions` for `inputs`: the features (pixels, or patches with
 * `patchSize`) are ranked by attribution, most relevant first (`order: "morf"`, the default) or
 * least relevant first (`"lerf"`), and replaced one step at a time by `replacement` (a constant,
 * or the blurred image); the curve is the model's score for the target after each step.
 *
 * A faithful attribution makes the MoRF curve fall fast (low `auc`, high `aopc`) and the LeRF
 * curve stay high. `aopc` is Samek et al.'s area over the perturbation curve,
 * `1/(L+1) Σₖ (f(x⁽⁰⁾) − f(x⁽ᵏ⁾))` over the L + 1 points.
 *
 * References: W. Samek, A. Binder, G. Montavon, S. Lapuschkin, K.-R. Müller, "Evaluating the
 * Visualization of What a Deep Neural Network Has Learned", IEEE TNNLS 28(11), 2017;
 * V. Petsiuk, A. Das, K. Saenko, "RISE: Randomized Input Sampling for Explanation of Black-box
 * Models", BMVC 2018.
 *
 * @example
 * ```ts
 * import { deletionCurve, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.mul(tf.tensor1d([4, -1, 2, 1])).sum(1); // f(x) = w·x
 * const x = tf.tensor2d([[1, 2, 3, 4]]);
 * const attr = tf.tensor2d([[4, -2, 6, 4]]); // w ⊙ x, exact for a linear model
 * const curve = await deletionCurve(model, x, attr, { nSteps: 4 });
 * console.log(Array.from(curve.scores[0])); // [12, 6, 2, -2, 0]
 * console.log(curve.auc[0], curve.aopc[0]); // 3 8.4
 * ```
 *
 * @throws {TypeError} for inputs that are not a float32 batch or attributions of another shape.
 * @throws {RangeError} for an unknown `order`, `patchSize` or `nSteps` < 1, a bad
 *   `replacement` or `batchSize`.
 */
export async function deletionCurve(
  model: ModelLike,
  inputs: tf.Tensor,
  attributions: tf.Tensor,
  options: PerturbationCurveOptions = {},
): Promise<DeletionCurve> {
  const curve = await perturbationCurve(
    "deletionCurve",
    false,
    model,
    inputs,
    attributions,
    options,
  );
  const aopc = new Float64Array(curve.scores.length);
  for (const [e, s] of curve.scores.entries()) {
    let sum = 0;
    for (const v of s) sum += s[0] - v;
    aopc[e] = sum / s.length;
  }
  return { ...curve, aopc };
}
