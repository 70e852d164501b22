/**
 * The base of every neuron explainer, as Captum's `NeuronAttribution`: a model, one of its layers,
 * and the forward function that ends at one neuron of that layer.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { LayerTappedAttribution } from "../layer/_layer_tapped_attribution.ts";
import type { ForwardFunction } from "../types.ts";
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
export abstract class NeuronAttribution extends LayerTappedAttribution {
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
