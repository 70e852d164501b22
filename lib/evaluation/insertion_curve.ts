/**
 * `insertionCurve`: how fast the model's score recovers as the features an attribution ranks
 * first are put back into a blank or blurred image (Petsiuk et al., 2018).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ModelLike } from "../attr/types.ts";
import { perturbationCurve } from "./_perturbation_curve.ts";
import type { PerturbationCurve, PerturbationCurveOptions } from "./perturbation_curve.ts";

/**
 * The insertion curve of `attributions` for `inputs`: start from the replacement image (a
 * constant, or with `replacement: "blur"` the blurred input, as Petsiuk et al.) and restore the
 * features (pixels, or patches with `patchSize`) one step at a time, most relevant first
 * (`order: "morf"`, the default) or least relevant first (`"lerf"`); the curve is the model's
 * score for the target after each step. A faithful attribution makes the MoRF insertion curve
 * rise fast (high `auc`).
 *
 * Reference: V. Petsiuk, A. Das, K. Saenko, "RISE: Randomized Input Sampling for Explanation of
 * Black-box Models", BMVC 2018.
 *
 * @example
 * ```ts
 * import { insertionCurve, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.mul(tf.tensor1d([4, -1, 2, 1])).sum(1); // f(x) = w·x
 * const x = tf.tensor2d([[1, 2, 3, 4]]);
 * const attr = tf.tensor2d([[4, -2, 6, 4]]);
 * const curve = await insertionCurve(model, x, attr, { nSteps: 4 });
 * console.log(Array.from(curve.scores[0])); // [0, 6, 10, 14, 12]
 * ```
 *
 * @throws {TypeError} for inputs that are not a float32 batch or attributions of another shape.
 * @throws {RangeError} for an unknown `order`, `patchSize` or `nSteps` < 1, a bad
 *   `replacement` or `batchSize`.
 */
export function insertionCurve(
  model: ModelLike,
  inputs: tf.Tensor,
  attributions: tf.Tensor,
  options: PerturbationCurveOptions = {},
): Promise<PerturbationCurve> {
  return perturbationCurve("insertionCurve", true, model, inputs, attributions, options);
}
