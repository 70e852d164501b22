/**
 * The family of gradient methods that differ only in the rule applied at every ReLU, as Captum's
 * `ModifiedReluGradientAttribution`: {@linkcode GuidedBackprop} and {@linkcode Deconvolution}.
 *
 * @module
 */
import type { ForwardArgsOptions, TargetOptions } from "./options.ts";
import type { AttributionsOf, Inputs, ModelLike } from "./types.ts";
import { GradientAttribution } from "./attribution.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";
import { type GradientOverride, withGradientOverrides } from "./_utils/gradient_override.ts";

/**
 * The gradient of the target with the gradient of every `Relu` kernel the model runs replaced by
 * `reluRule` for the duration of the call. A ReLU layer, `Activation("relu")` and a ReLU fused into
 * a layer are all one `Relu` kernel in the attribution executor, as Captum's `nn.ReLU`; ReLU6 is
 * not a ReLU here, as `nn.ReLU6` is not one in Captum.
 *
 * @example
 * ```ts
 * import { GuidedBackprop, ModifiedReluGradientAttribution, tf } from "../mod.ts";
 * const gbp = new GuidedBackprop((x: tf.Tensor) => tf.relu(x).sum(1, true));
 * console.log(gbp instanceof ModifiedReluGradientAttribution); // true
 * ```
 */
export abstract class ModifiedReluGradientAttribution extends GradientAttribution {
  readonly #reluRule: GradientOverride;

  /**
   * @param model a `tf.LayersModel` or a forward function `(x) => y`.
   * @param reluRule the replacement gradient of the `Relu` kernel.
   */
  constructor(model: ModelLike, reluRule: GradientOverride) {
    super(model);
    this.#reluRule = reluRule;
  }

  /**
   * Modified gradients of `target`, in the inputs' shape (one tensor per input for an array of
   * inputs). The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, or a model output
   *   a class index cannot select.
   * @throws {RangeError} for a target out of range.
   */
  attribute<T extends Inputs>(
    inputs: T,
    options: TargetOptions & ForwardArgsOptions = {},
  ): Promise<AttributionsOf<T>> {
    return this.attributeCall(
      inputs,
      options,
      {},
      ({ inputs, options, forward }) =>
        withGradientOverrides(
          [this.#reluRule],
          () => gradientsOfTarget(this.methodName, forward, inputs, options.target),
        ),
    );
  }
}
