/**
 * Deconvolution of one neuron, as Captum's `NeuronDeconvolution`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, NeuronOptions } from "../options.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { DECONVOLUTION_RELU } from "../_utils/relu_rules.ts";
import { NeuronModifiedReluAttribution } from "./neuron_modified_relu_attribution.ts";

/** Options of {@linkcode NeuronDeconvolution.attribute}. */
export interface NeuronDeconvolutionOptions extends NeuronOptions, ForwardArgsOptions {}

/**
 * The neuron's gradient with every ReLU before the layer passing only its positive gradients,
 * whatever its input (deconvolution). Result: the inputs' shape.
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
export class NeuronDeconvolution extends NeuronModifiedReluAttribution {
  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer one of its layers or the layer's name.
   */
  constructor(model: tf.LayersModel, layer: LayerRef) {
    super(model, layer, DECONVOLUTION_RELU);
  }
}
