/**
 * DeepLift of one neuron, as Captum's `NeuronDeepLift`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, InputBaselineOptions, NeuronOptions } from "../options.ts";
import type { AttributionsOf, ForwardFunction, Inputs } from "../types.ts";
import { DeepLift } from "../deep_lift.ts";
import { resolveDeepLiftConfig } from "../_utils/deep_lift_config.ts";
import { assertBroadcastableBaselines } from "../_utils/baselines.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";
import { withLayerConfig } from "../_layer_config.ts";
import { assertDeepLiftCovers } from "../_utils/deep_lift_coverage.ts";

/** Options of {@linkcode NeuronDeepLift.attribute}. */
export interface NeuronDeepLiftOptions
  extends NeuronOptions, InputBaselineOptions, ForwardArgsOptions {}

/**
 * DeepLift (Rescale rule) of one neuron's value with respect to the inputs: the nonlinearities
 * before the layer pass Δout/Δin between the inputs and the baselines. On ReLU networks the
 * attributions sum to neuron(x) − neuron(x′). Result: the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronDeepLift, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: "ones" }),
 *   tf.layers.reLU({ name: "relu" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const attr = await new NeuronDeepLift(model, "relu").attribute(tf.tensor2d([[1, 2]]), {
 *   neuronSelector: [0],
 * });
 * attr.print(); // [[1, 2]]
 * ```
 */
export class NeuronDeepLift extends withLayerConfig(
  NeuronAttribution,
  resolveDeepLiftConfig,
) {
  /** Attributions in the inputs' shape (one per input for an array); the caller owns them. */
  async attribute<T extends Inputs>(
    inputs: T,
    options: NeuronDeepLiftOptions,
  ): Promise<AttributionsOf<T>> {
    const forward = this.deepLiftForward(inputs, options);
    const { baselines, additionalForwardArgs } = options;
    if (!Array.isArray(inputs) && typeof baselines === "object") {
      assertBroadcastableBaselines(this.methodName, inputs as tf.Tensor, baselines);
    }
    const dl = new DeepLift(forward, { multiplyByInputs: this.multiplyByInputs, eps: this.eps });
    return await dl.attribute(inputs, { baselines, additionalForwardArgs });
  }

  /**
   * Validate `inputs` and the neuron, check that DeepLift's rules cover every layer the neuron's
   * gradient passes back through, and return the forward function `x ↦ neuron(x)` (one tensor per
   * model input).
   */
  protected deepLiftForward(
    inputs: Inputs,
    options: NeuronOptions & ForwardArgsOptions,
  ): ForwardFunction {
    this.assertModelInputs(inputs, options?.additionalForwardArgs);
    const toInput = options?.attributeToNeuronInput;
    assertDeepLiftCovers(this.methodName, this.taps.anyTap(toInput).layersBeforeTap);
    return this.taps.neuronForward(options);
  }
}
