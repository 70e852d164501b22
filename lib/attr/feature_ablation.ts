/**
 * FeatureAblation, as Captum's: a feature group's attribution is the drop in the target output when
 * the group is replaced by the baseline, `F(x) − F(x with the group ablated)`, broadcast to every
 * element of the group.
 *
 * @module
 */
import { PERTURBATION_SPEC, PerturbationAttribution } from "./attribution.ts";
import type { PerturbationOptions } from "./perturbation_options.ts";
import type { AttributionsOf, Inputs, PerInput, PerturbationBaseline } from "./types.ts";
import { ablateEachFeature, withBaselines } from "./_utils/perturbation.ts";

/** Options of {@linkcode FeatureAblation.attribute}. */
export interface FeatureAblationOptions extends PerturbationOptions {
  /**
   * The value an ablated feature takes: a scalar, a tensor of the inputs' shape or batch 1, or a
   * function of the inputs returning one (e.g. `ProductBaselines.asBaselines()`). For an array of
   * inputs, one per input (a single number serves all). @default 0
   */
  baselines?: PerInput<PerturbationBaseline>;
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
 *
 * @example Two inputs and a feature spanning both (Captum's cross-tensor masks)
 * ```ts
 * import { FeatureAblation, tf } from "../mod.ts";
 * const model = (a: tf.Tensor, b: tf.Tensor) => a.sum(1).add(b.mul(10).sum(1));
 * const [attrA, attrB] = await new FeatureAblation(model).attribute(
 *   [tf.tensor2d([[1, 2]]), tf.tensor2d([[3]])],
 *   { featureMask: [tf.tensor2d([[0, 1]], undefined, "int32"), tf.tensor2d([[1]], undefined, "int32")] },
 * );
 * attrA.print(); // [[1, 32]]: feature 1 is a[1] and b[0] together
 * attrB.print(); // [[32]]
 * ```
 */
export class FeatureAblation extends PerturbationAttribution {
  /**
   * Attributions of the inputs' shape (one tensor per input for an array of inputs). The caller
   * owns the returned tensors.
   *
   * @throws {TypeError} for a mask or baselines that do not broadcast to the inputs.
   * @throws {RangeError} for a non-integer mask id or `perturbationsPerEval` < 1.
   */
  override attribute<T extends Inputs>(
    inputs: T,
    options: FeatureAblationOptions = {},
  ): Promise<AttributionsOf<T>> {
    const method = this.methodName;
    return this.attributeCall(inputs, options, PERTURBATION_SPEC, (call) => {
      const { mask, perturbationsPerEval } = this.resolveFeatures(call);
      const { options } = call;
      return withBaselines(
        method,
        call.inputs,
        options.baselines,
        (baselines) =>
          ablateEachFeature({
            method,
            forward: call.forward,
            inputs: call.inputs,
            replacement: baselines,
            target: options.target,
            mask,
            perturbationsPerEval,
            showProgress: options.showProgress,
          }),
      );
    });
  }
}
