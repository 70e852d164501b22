/**
 * Guided backpropagation of one neuron, as Captum's `NeuronGuidedBackprop`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { NeuronOptions } from "../options.ts";
import { GuidedBackprop } from "../guided_backprop.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";

/** Options of {@linkcode NeuronGuidedBackprop.attribute}. */
export type NeuronGuidedBackpropOptions = NeuronOptions;

/**
 * The neuron's gradient with every ReLU before the layer passing only positive gradients where its
 * input was positive (guided backpropagation). Result: the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronGuidedBackprop, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: "ones" }),
 *   tf.layers.reLU({ name: "relu" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const attr = await new NeuronGuidedBackprop(model, "relu").attribute(tf.tensor2d([[1, 2]]), {
 *   neuronSelector: [0],
 * });
 * attr.print(); // [[1, 1]]
 * ```
 */
export class NeuronGuidedBackprop extends NeuronAttribution {
  /** Guided gradients of the neuron, in the inputs' shape; the caller owns the tensor. */
  async attribute(inputs: tf.Tensor, options: NeuronGuidedBackpropOptions): Promise<tf.Tensor> {
    this.validateInputsAndTarget(inputs, undefined);
    const forward = this.neuronForward(options?.neuronSelector, options.attributeToNeuronInput);
    return await new GuidedBackprop(forward).attribute(inputs);
  }
}
