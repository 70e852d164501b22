/**
 * Input × Gradient, as Captum's `InputXGradient`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, TargetOptions } from "./options.ts";
import type { AttributionsOf, Inputs } from "./types.ts";
import { GradientAttribution } from "./attribution.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";

/** Options of {@linkcode InputXGradient.attribute}. */
export interface InputXGradientOptions extends TargetOptions, ForwardArgsOptions {}

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
   * `inputs ⊙ gradient`, in the inputs' shape (one tensor per input for an array of inputs). The
   * caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, or a model output
   *   a class index cannot select.
   * @throws {RangeError} for a target out of range.
   */
  attribute<T extends Inputs>(
    inputs: T,
    options: InputXGradientOptions = {},
  ): Promise<AttributionsOf<T>> {
    return this.attributeCall(
      inputs,
      options,
      {},
      ({ inputs, options, forward }) =>
        tf.tidy(() =>
          gradientsOfTarget(this.methodName, forward, inputs, options.target).mul(inputs)
        ),
    );
  }
}
