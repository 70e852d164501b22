/**
 * The base of every neuron explainer, as Captum's `NeuronAttribution`: a model, one of its layers,
 * and the forward function that ends at one neuron of that layer.
 *
 * @module
 */
import { GradientAttribution } from "../attribution.ts";
import { withLayerTaps } from "../layer/layer_taps.ts";

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
export abstract class NeuronAttribution extends withLayerTaps(GradientAttribution) {
}
