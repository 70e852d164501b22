/**
 * Guided backpropagation (Springenberg et al., 2015), as Captum's `GuidedBackprop`.
 *
 * @module
 */
import type { TargetOptions } from "./options.ts";
import type { ModelLike } from "./types.ts";
import { ModifiedReluGradientAttribution } from "./modified_relu_gradient_attribution.ts";
import { GUIDED_RELU } from "./_utils/relu_rules.ts";

/** Options of {@linkcode GuidedBackprop.attribute}. */
export type GuidedBackpropOptions = TargetOptions;

/**
 * Guided backpropagation: the gradient of the target, except that at every ReLU only positive
 * gradients pass, and only where the ReLU's input was positive.
 *
 * @example
 * ```ts
 * import { GuidedBackprop, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => tf.relu(x).mul(tf.tensor2d([[1, -1]])).sum(1, true);
 * const attr = await new GuidedBackprop(model).attribute(tf.tensor2d([[1, 1]]));
 * attr.print(); // [[1, 0]]
 * attr.dispose();
 * ```
 */
export class GuidedBackprop extends ModifiedReluGradientAttribution {
  /** @param model a `tf.LayersModel` or a forward function `(x) => y`. */
  constructor(model: ModelLike) {
    super(model, GUIDED_RELU);
  }
}
