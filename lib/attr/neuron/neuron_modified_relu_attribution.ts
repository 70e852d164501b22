/**
 * The neuron methods that differ only in the rule applied at every ReLU:
 * {@linkcode NeuronGuidedBackprop} and {@linkcode NeuronDeconvolution}.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { NeuronOptions } from "../options.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { gradientsOfTarget } from "../_utils/gradients.ts";
import { type GradientOverride, withGradientOverrides } from "../_utils/gradient_override.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";

/**
 * The neuron's gradient with the gradient of every `Relu` kernel before the layer replaced by
 * `reluRule` (see `ModifiedReluGradientAttribution`). Result: the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronGuidedBackprop, NeuronModifiedReluAttribution, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], name: "d" })] });
 * console.log(new NeuronGuidedBackprop(model, "d") instanceof NeuronModifiedReluAttribution); // true
 * ```
 */
export abstract class NeuronModifiedReluAttribution extends NeuronAttribution {
  readonly #reluRule: GradientOverride;

  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer one of its layers or the layer's name.
   * @param reluRule the replacement gradient of the `Relu` kernel.
   */
  constructor(model: tf.LayersModel, layer: LayerRef, reluRule: GradientOverride) {
    super(model, layer);
    this.#reluRule = reluRule;
  }

  /** Modified gradients of the neuron, in the inputs' shape; the caller owns the tensor. */
  attribute(inputs: tf.Tensor, options: NeuronOptions): Promise<tf.Tensor> {
    try {
      this.validateInputsAndTarget(inputs, undefined);
      const forward = this.taps.neuronForward(options);
      return Promise.resolve(withGradientOverrides(
        [this.#reluRule],
        () => gradientsOfTarget(this.methodName, forward, inputs, undefined),
      ));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
