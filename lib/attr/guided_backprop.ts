/**
 * Guided backpropagation (Springenberg et al., 2015), as Captum's `GuidedBackprop`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { TargetOptions } from "./options.ts";
import { GradientAttribution } from "./attribution.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";
import { withGradientOverrides } from "./_utils/gradient_override.ts";
import { GUIDED_RELU } from "./_utils/relu_rules.ts";

/** Options of {@linkcode GuidedBackprop.attribute}. */
export type GuidedBackpropOptions = TargetOptions;

/**
 * Guided backpropagation: the gradient of the target, except that at every ReLU only positive
 * gradients pass, and only where the ReLU's input was positive. Every `Relu` op the model runs is
 * overridden for the duration of the call (also ReLUs fused into `conv2d`/`dense` layers: under
 * `tf.grad` TensorFlow.js runs those activations as separate ops).
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
export class GuidedBackprop extends GradientAttribution {
  /**
   * Guided gradients of `target`, in the inputs' shape. The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, or a model output
   *   a class index cannot select.
   * @throws {RangeError} for a target out of range.
   */
  attribute(inputs: tf.Tensor, options: GuidedBackpropOptions = {}): Promise<tf.Tensor> {
    try {
      const { target } = options;
      this.validateInputsAndTarget(inputs, target);
      return Promise.resolve(withGradientOverrides(
        [GUIDED_RELU],
        () => gradientsOfTarget(this.methodName, this.forward, inputs, target),
      ));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
