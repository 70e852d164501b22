/**
 * Deconvolution (Zeiler & Fergus, 2014), as Captum's `Deconvolution`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { TargetOptions } from "./options.ts";
import { GradientAttribution } from "./attribution.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";
import { withGradientOverrides } from "./_utils/gradient_override.ts";
import { DECONVOLUTION_RELU } from "./_utils/relu_rules.ts";

/** Options of {@linkcode Deconvolution.attribute}. */
export type DeconvolutionOptions = TargetOptions;

/**
 * Deconvolution: the gradient of the target, except that every ReLU passes only the positive part
 * of the incoming gradient, whatever its forward input was. Every `Relu` op the model runs is
 * overridden for the duration of the call (also ReLUs fused into `conv2d`/`dense` layers: under
 * `tf.grad` TensorFlow.js runs those activations as separate ops).
 *
 * @example
 * ```ts
 * import { Deconvolution, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => tf.relu(x).mul(tf.tensor2d([[1, -1]])).sum(1, true);
 * const attr = await new Deconvolution(model).attribute(tf.tensor2d([[-1, 1]]));
 * attr.print(); // [[1, 0]] (the ReLU input -1 is ignored; GuidedBackprop gives [[0, 0]])
 * attr.dispose();
 * ```
 */
export class Deconvolution extends GradientAttribution {
  /**
   * Deconvolution gradients of `target`, in the inputs' shape. The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, or a model output
   *   a class index cannot select.
   * @throws {RangeError} for a target out of range.
   */
  attribute(inputs: tf.Tensor, options: DeconvolutionOptions = {}): Promise<tf.Tensor> {
    try {
      const { target } = options;
      this.validateInputsAndTarget(inputs, target);
      return Promise.resolve(withGradientOverrides(
        [DECONVOLUTION_RELU],
        () => gradientsOfTarget(this.methodName, this.forward, inputs, target),
      ));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
