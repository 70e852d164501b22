/**
 * DeepLift of one neuron, as Captum's `NeuronDeepLift`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BaselineOptions, NeuronOptions } from "../options.ts";
import type { ForwardFunction } from "../types.ts";
import { DeepLift } from "../deep_lift.ts";
import { resolveDeepLiftConfig } from "../_utils/deep_lift_config.ts";
import { assertBroadcastableBaselines } from "../_utils/baselines.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";
import { withLayerConfig } from "../_layer_config.ts";
import { assertDeepLiftCovers } from "../_utils/deep_lift_coverage.ts";

/** Options of {@linkcode NeuronDeepLift.attribute}. */
export interface NeuronDeepLiftOptions extends NeuronOptions, BaselineOptions {}

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
  /** Attributions in the inputs' shape; the caller owns the tensor. */
  async attribute(inputs: tf.Tensor, options: NeuronDeepLiftOptions): Promise<tf.Tensor> {
    const forward = this.deepLiftForward(inputs, options);
    const { baselines } = options;
    if (typeof baselines === "object") {
      assertBroadcastableBaselines(this.methodName, inputs, baselines);
    }
    const dl = new DeepLift(forward, { multiplyByInputs: this.multiplyByInputs, eps: this.eps });
    return await dl.attribute(inputs, { baselines });
  }

  /**
   * Validate `inputs` and the neuron, check that DeepLift's rules cover every layer the neuron's
   * gradient passes back through, and return the forward function `x ↦ neuron(x)`.
   */
  protected deepLiftForward(inputs: tf.Tensor, options: NeuronOptions): ForwardFunction {
    this.validateInputsAndTarget(inputs, undefined);
    const toInput = options?.attributeToNeuronInput;
    assertDeepLiftCovers(this.methodName, this.taps.tap(toInput).layersBeforeTap);
    return this.taps.neuronForward(options);
  }
}
