/**
 * Input × Gradient, as Captum's `InputXGradient`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TargetOptions } from "./options.ts";
import { GradientAttribution } from "./attribution.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";

/** Options of {@linkcode InputXGradient.attribute}. */
export type InputXGradientOptions = TargetOptions;

/**
 * Input × Gradient: `x ⊙ ∂F(x)[target]/∂x`.
 *
 * @example
 * ```ts
 * import { InputXGradient, tf } from "../mod.ts";
 * const ixg = new InputXGradient((x: tf.Tensor) => x.square().sum(1, true)); // ∇ = 2x
 * const attr = await ixg.attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // [[2, 8]]
 * attr.dispose();
 * ```
 */
export class InputXGradient extends GradientAttribution {
  /**
   * `inputs ⊙ gradient`, in the inputs' shape. The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, or a model output
   *   a class index cannot select.
   * @throws {RangeError} for a target out of range.
   */
  attribute(inputs: tf.Tensor, options: InputXGradientOptions = {}): Promise<tf.Tensor> {
    try {
      const { target } = options;
      this.validateInputsAndTarget(inputs, target);
      return Promise.resolve(
        tf.tidy(() => gradientsOfTarget(this.methodName, this.forward, inputs, target).mul(inputs)),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
