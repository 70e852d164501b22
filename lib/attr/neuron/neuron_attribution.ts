/**
 * The base of every neuron explainer, as Captum's `NeuronAttribution`: a model, one of its layers,
 * and the forward function that ends at one neuron of that layer.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { GradientAttribution } from "../attribution.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { LayerTaps } from "../layer/layer_taps.ts";

/**
 * Explainers that attribute the value of one neuron of a layer to the model's inputs. Results have
 * the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronGradient, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const attr = await new NeuronGradient(model, "hidden").attribute(tf.tensor2d([[1, 2]]), {
 *   neuronSelector: [1],
 * });
 * attr.print(); // [[1, 1]]
 * ```
 */
export abstract class NeuronAttribution extends GradientAttribution {
  /** The layer that holds the neuron. */
  readonly layer: tf.layers.Layer;
  /** The layer's taps. */
  protected readonly taps: LayerTaps;

  /**
   * @param model a `tf.LayersModel` (Sequential or functional) with one input and one output.
   * @param layer one of its layers, or the layer's name.
   * @throws {TypeError} when the model is a forward function or the layer is not in the model
   *   (the message lists the model's layer names).
   */
  constructor(model: tf.LayersModel, layer: LayerRef) {
    super(model);
    this.taps = new LayerTaps(model, layer, this.methodName);
    this.layer = this.taps.layer;
  }
}
