/**
 * Deconvolution (Zeiler & Fergus, 2014), as Captum's `Deconvolution`.
 *
 * @module
 */
import type { TargetOptions } from "./options.ts";
import type { ModelLike } from "./types.ts";
import { ModifiedReluGradientAttribution } from "./modified_relu_gradient_attribution.ts";
import { DECONVOLUTION_RELU } from "./_utils/relu_rules.ts";

/** Options of {@linkcode Deconvolution.attribute}. */
export type DeconvolutionOptions = TargetOptions;

/**
 * Deconvolution: the gradient of the target, except that every ReLU passes only the positive part
 * of the incoming gradient, whatever its forward input was.
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
export class Deconvolution extends ModifiedReluGradientAttribution {
  /** @param model a `tf.LayersModel` or a forward function `(x) => y`. */
  constructor(model: ModelLike) {
    super(model, DECONVOLUTION_RELU);
  }
}
