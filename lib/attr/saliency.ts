/**
 * Saliency maps (Simonyan et al., 2013), as Captum's `Saliency`.
 *
 * @module
 */
import type { ForwardArgsOptions, TargetOptions } from "./options.ts";
import type { AttributionsOf, Inputs } from "./types.ts";
import { GradientAttribution } from "./attribution.ts";
import { attributionTypeError } from "./_utils/errors.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";

/** Options of {@linkcode Saliency.attribute}. */
export interface SaliencyOptions extends TargetOptions, ForwardArgsOptions {
  /** Return the absolute value of the gradient. @default true */
  abs?: boolean;
}

/**
 * Saliency: the gradient of the target output with respect to the inputs, by default its absolute
 * value.
 *
 * @example
 * ```ts
 * import { Saliency, tf } from "../mod.ts";
 * const saliency = new Saliency((x: tf.Tensor) => x.mul(tf.tensor2d([[2, -3]])).sum(1, true));
 * const attr = await saliency.attribute(tf.tensor2d([[1, 1]]));
 * attr.print(); // [[2, 3]]
 * attr.dispose();
 * ```
 *
 * @example Two inputs: one gradient per input
 * ```ts
 * import { Saliency, tf } from "../mod.ts";
 * const saliency = new Saliency((a: tf.Tensor, b: tf.Tensor) => a.mul(b).sum(1));
 * const [gradA, gradB] = await saliency.attribute([tf.tensor2d([[1, -2]]), tf.tensor2d([[3, 4]])]);
 * gradA.print(); // [[3, 4]]
 * gradB.print(); // [[1, 2]]
 * ```
 */
export class Saliency extends GradientAttribution {
  /**
   * |∂F(x)[target]/∂x| (or the signed gradient with `abs: false`), in the inputs' shape (one
   * tensor per input for an array of inputs). The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, or a model output
   *   a class index cannot select.
   * @throws {RangeError} for a target out of range.
   */
  attribute<T extends Inputs>(
    inputs: T,
    options: SaliencyOptions = {},
  ): Promise<AttributionsOf<T>> {
    return this.attributeCall(inputs, options, {}, ({ inputs, options, forward }) => {
      const { target, abs = true } = options;
      if (typeof abs !== "boolean") {
        throw attributionTypeError(this.methodName, "abs", "a boolean", abs, "Pass true or false.");
      }
      const grads = gradientsOfTarget(this.methodName, forward, inputs, target);
      if (!abs) return grads;
      const result = grads.abs();
      grads.dispose();
      return result;
    });
  }
}
