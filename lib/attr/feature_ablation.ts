/**
 * FeatureAblation, as Captum's: a feature group's attribution is the drop in the target output when
 * the group is replaced by the baseline, `F(x) − F(x with the group ablated)`, broadcast to every
 * element of the group.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PerturbationAttribution } from "./attribution.ts";
import type { PerturbationOptions } from "./perturbation_options.ts";
import type { PerturbationBaseline } from "./types.ts";
import { ablateEachFeature, withBaselines } from "./_utils/perturbation.ts";

/** Options of {@linkcode FeatureAblation.attribute}. */
export interface FeatureAblationOptions extends PerturbationOptions {
  /**
   * The value an ablated feature takes: a scalar, a tensor of the inputs' shape or batch 1, or a
   * function of the inputs returning one (e.g. `ProductBaselines.asBaselines()`). @default 0
   */
  baselines?: PerturbationBaseline;
}

/**
 * Attribution by ablating feature groups one at a time.
 *
 * @example
 * ```ts
 * import { FeatureAblation, tf } from "../mod.ts";
 * const ablation = new FeatureAblation((x: tf.Tensor) => x.mul(tf.tensor1d([1, 2, 3])).sum(1));
 * const attr = await ablation.attribute(tf.tensor2d([[1, 1, 1]]), {
 *   featureMask: tf.tensor2d([[0, 0, 1]], undefined, "int32"),
 * });
 * attr.print(); // [[3, 3, 3]]
 * ```
 */
export class FeatureAblation extends PerturbationAttribution {
  /**
   * Attributions of the inputs' shape. The caller owns the returned tensor.
   *
   * @throws {TypeError} for a mask or baselines that do not broadcast to the inputs.
   * @throws {RangeError} for a non-integer mask id or `perturbationsPerEval` < 1.
   */
  override async attribute(
    inputs: tf.Tensor,
    options: FeatureAblationOptions = {},
  ): Promise<tf.Tensor> {
    const method = this.methodName;
    const { target, mask, perturbationsPerEval } = this.resolveFeatures(inputs, options);
    return await withBaselines(method, inputs, options.baselines, (baselines) =>
      ablateEachFeature({
        method,
        forward: this.forward,
        inputs,
        replacement: baselines,
        target,
        mask,
        perturbationsPerEval,
        showProgress: options.showProgress,
      }));
  }
}
