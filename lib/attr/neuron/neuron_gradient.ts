/**
 * The gradient of one neuron with respect to the inputs, as Captum's `NeuronGradient`.
 *
 * @module
 */
import type { ForwardArgsOptions, NeuronOptions } from "../options.ts";
import type { AttributionsOf, Inputs } from "../types.ts";
import { gradientsOfTarget } from "../_utils/gradients.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";

/** Options of {@linkcode NeuronGradient.attribute}. */
export interface NeuronGradientOptions extends NeuronOptions, ForwardArgsOptions {}

/**
 * ∂neuron/∂x for each example, in the inputs' shape (one tensor per input for an array of inputs).
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
  /** The neuron's gradient, in the inputs' shape; the caller owns the tensor(s). */
  attribute<T extends Inputs>(
    inputs: T,
    options: NeuronGradientOptions,
  ): Promise<AttributionsOf<T>> {
    return this.neuronCall(
      inputs,
      options,
      {},
      ({ inputs, forward }, rows) => gradientsOfTarget(this.methodName, forward, inputs, rows),
    );
  }
}
