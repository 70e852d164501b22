/**
 * Deconvolution of one neuron, as Captum's `NeuronDeconvolution`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { NeuronOptions } from "../options.ts";
import { Deconvolution } from "../deconvolution.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";

/** Options of {@linkcode NeuronDeconvolution.attribute}. */
export type NeuronDeconvolutionOptions = NeuronOptions;

/**
 * The neuron's gradient with every ReLU before the layer passing only its positive gradients, whatever its
 * input (deconvolution). Result: the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronDeconvolution, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: "ones" }),
 *   tf.layers.reLU({ name: "relu" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const attr = await new NeuronDeconvolution(model, "relu").attribute(tf.tensor2d([[1, 2]]), {
 *   neuronSelector: [0],
 * });
 * attr.print(); // [[1, 1]]
 * ```
 */
export class NeuronDeconvolution extends NeuronAttribution {
  /** Deconvolution gradients of the neuron, in the inputs' shape; the caller owns the tensor. */
  async attribute(inputs: tf.Tensor, options: NeuronDeconvolutionOptions): Promise<tf.Tensor> {
    this.validateInputsAndTarget(inputs, undefined);
    const forward = this.neuronForward(options?.neuronSelector, options.attributeToNeuronInput);
    return await new Deconvolution(forward).attribute(inputs);
  }
}
