/**
 * What `LayerAttribution` and `NeuronAttribution` share: a `tf.LayersModel`, one of its
 * layers, and taps on the layer's output and (made on first use) its input.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { GradientAttribution } from "../attribution.ts";
import { LayerTap } from "../../models/layer_tap.ts";
import type { LayerRef } from "../../models/layer_tap.ts";

/**
 * The base of the layer and neuron explainers: the model, the layer, and its taps.
 *
 * @example
 * ```ts
 * import { LayerActivation, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * new LayerActivation(model, "hidden").layer.name; // "hidden"
 * ```
 */
export abstract class LayerTappedAttribution extends GradientAttribution {
  /** The layer explained: whose activations are attributed, or which holds the neuron. */
  readonly layer: tf.layers.Layer;
  readonly #taps: { output: LayerTap; input?: LayerTap };

  /**
   * @param model a `tf.LayersModel` (Sequential or functional) with one input and one output.
   * @param layer one of its layers, or the layer's name.
   * @throws {TypeError} when the model is a forward function or the layer is not in the model
   *   (the message lists the model's layer names).
   */
  constructor(model: tf.LayersModel, layer: LayerRef) {
    super(model);
    const output = new LayerTap(model, layer, { caller: this.methodName });
    this.layer = output.layer;
    this.#taps = { output };
  }

  /** The tap on the layer's output, or on its input with `toLayerInput`. */
  protected tap(toLayerInput = false): LayerTap {
    if (!toLayerInput) return this.#taps.output;
    this.#taps.input ??= new LayerTap(this.model as tf.LayersModel, this.layer, {
      attributeToLayerInput: true,
      caller: this.methodName,
    });
    return this.#taps.input;
  }
}
