/**
 * The gradient of one neuron with respect to the inputs, as Captum's `NeuronGradient`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { NeuronOptions } from "../options.ts";
import { gradientsOfTarget } from "../_utils/gradients.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";

/** Options of {@linkcode NeuronGradient.attribute}. */
export type NeuronGradientOptions = NeuronOptions;

/**
 * ∂neuron/∂x for each example, in the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronGradient, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const ng = new NeuronGradient(model, "hidden");
 * const attr = await ng.attribute(tf.tensor2d([[1, 2]]), { neuronSelector: [0] });
 * attr.print(); // [[1, 1]]
 * ```
 */
export class NeuronGradient extends NeuronAttribution {
  /** The neuron's gradient, in the inputs' shape; the caller owns the tensor. */
  // deno-lint-ignore require-await
  async attribute(inputs: tf.Tensor, options: NeuronGradientOptions): Promise<tf.Tensor> {
    this.validateInputsAndTarget(inputs, undefined);
    const forward = this.taps.neuronForward(options);
    return gradientsOfTarget(this.methodName, forward, inputs, undefined);
  }
}
