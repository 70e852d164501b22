/**
 * The neuron methods that differ only in the rule applied at every ReLU:
 * {@linkcode NeuronGuidedBackprop} and {@linkcode NeuronDeconvolution}.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, NeuronOptions } from "../options.ts";
import type { AttributionsOf, Inputs } from "../types.ts";
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

  /**
   * Modified gradients of the neuron, in the inputs' shape (one tensor per input for an array);
   * the caller owns the tensor(s).
   */
  attribute<T extends Inputs>(
    inputs: T,
    options: NeuronOptions & ForwardArgsOptions,
  ): Promise<AttributionsOf<T>> {
    return this.neuronCall(
      inputs,
      options,
      {},
      ({ inputs, forward }, rows) =>
        withGradientOverrides(
          [this.#reluRule],
          () => gradientsOfTarget(this.methodName, forward, inputs, rows),
        ),
    );
  }
}
