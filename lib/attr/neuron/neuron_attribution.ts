/**
 * The base of every neuron explainer, as Captum's `NeuronAttribution`: a model, one of its layers,
 * and the forward function that ends at one neuron of that layer.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { GradientAttribution } from "../attribution.ts";
import type { ForwardFunction } from "../types.ts";
import { LayerTap } from "../../models/layer_tap.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { selectNeuron, validateNeuronSelector } from "./neuron_selector.ts";
import type { NeuronSelector } from "./neuron_selector.ts";

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
  /** The layer holding the neuron. */
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

  /** The tap on the layer's output, or on its input with `attributeToNeuronInput`. */
  protected tap(attributeToNeuronInput = false): LayerTap {
    if (!attributeToNeuronInput) return this.#taps.output;
    this.#taps.input ??= new LayerTap(this.model as tf.LayersModel, this.layer, {
      attributeToLayerInput: true,
      caller: this.methodName,
    });
    return this.#taps.input;
  }

  /**
   * Validate `neuronSelector` against the layer's shape and return the forward function
   * `x ↦ neuron(x)` (`[N]`), which runs the model only up to the layer.
   */
  protected neuronForward(
    neuronSelector: unknown,
    attributeToNeuronInput = false,
  ): ForwardFunction {
    const tap = this.tap(attributeToNeuronInput);
    validateNeuronSelector(this.methodName, neuronSelector, tap.valueShape, this.layer.name);
    const selector = neuronSelector as NeuronSelector;
    const method = this.methodName;
    return (x: tf.Tensor) => selectNeuron(method, tap.layerValue(x), selector);
  }
}
