/**
 * Saliency maps (Simonyan et al., 2013), as Captum's `Saliency`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { TargetOptions } from "./options.ts";
import { GradientAttribution } from "./attribution.ts";
import { attributionTypeError } from "./_utils/errors.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";

/** Options of {@linkcode Saliency.attribute}. */
export interface SaliencyOptions extends TargetOptions {
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
 */
export class Saliency extends GradientAttribution {
  /**
   * |∂F(x)[target]/∂x| (or the signed gradient with `abs: false`), in the inputs' shape.
   * The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, or a model output
   *   a class index cannot select.
   * @throws {RangeError} for a target out of range.
   */
  attribute(inputs: tf.Tensor, options: SaliencyOptions = {}): Promise<tf.Tensor> {
    try {
      const { target, abs = true } = options;
      this.validateInputsAndTarget(inputs, target);
      if (typeof abs !== "boolean") {
        throw attributionTypeError(this.methodName, "abs", "a boolean", abs, "Pass true or false.");
      }
      const grads = gradientsOfTarget(this.methodName, this.forward, inputs, target);
      if (!abs) return Promise.resolve(grads);
      const result = grads.abs();
      grads.dispose();
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
