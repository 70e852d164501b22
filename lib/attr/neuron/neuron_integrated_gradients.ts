/**
 * Integrated Gradients of one neuron, as Captum's `NeuronIntegratedGradients`.
 *
 * @module
 */
import type {
  ForwardArgsOptions,
  InputBaselineOptions,
  IntegrationOptions,
  NeuronOptions,
} from "../options.ts";
import type { AttributionsOf, Inputs } from "../types.ts";
import type * as tf from "@tensorflow/tfjs";
import { IntegratedGradients } from "../integrated_gradients.ts";
import { approximationParameters } from "../_utils/approximation.ts";
import { assertBroadcastableBaselines } from "../_utils/baselines.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";
import { resolveMultiplyByInputs, withLayerConfig } from "../_layer_config.ts";

/** Constructor options of {@linkcode NeuronIntegratedGradients}. */
export interface NeuronIntegratedGradientsConfig {
  /** Multiply the integrated gradients by (inputs − baselines). @default true */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode NeuronIntegratedGradients.attribute}. */
export interface NeuronIntegratedGradientsOptions
  extends NeuronOptions, InputBaselineOptions, IntegrationOptions, ForwardArgsOptions {}

/**
 * Integrated Gradients of one neuron's value (instead of the model output) with respect to the
 * inputs, along x′ + α(x − x′). Sums to neuron(x) − neuron(x′). Result: the inputs' shape (one
 * tensor per input for an array of inputs, with one baseline per input).
 *
 * @example
 * ```ts
 * import { NeuronIntegratedGradients, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const nig = new NeuronIntegratedGradients(model, "hidden");
 * const attr = await nig.attribute(tf.tensor2d([[1, 2]]), { neuronSelector: [0] });
 * attr.print(); // ≈ [[1, 2]]
 * ```
 */
export class NeuronIntegratedGradients extends withLayerConfig(
  NeuronAttribution,
  resolveMultiplyByInputs<NeuronIntegratedGradientsConfig>,
) {
  /** Attributions in the inputs' shape; the caller owns the tensor(s). */
  async attribute<T extends Inputs>(
    inputs: T,
    options: NeuronIntegratedGradientsOptions,
  ): Promise<AttributionsOf<T>> {
    const method = this.methodName;
    this.assertModelInputs(inputs, options?.additionalForwardArgs);
    const forward = this.taps.neuronForward(options);
    const { baselines, nSteps = 50, method: approx = "gausslegendre", ...batching } = options;
    approximationParameters(method, approx, nSteps);
    if (!Array.isArray(inputs) && typeof baselines === "object") {
      assertBroadcastableBaselines(method, inputs as tf.Tensor, baselines);
    }
    const ig = new IntegratedGradients(forward, { multiplyByInputs: this.multiplyByInputs });
    return await ig.attribute(inputs, {
      baselines,
      nSteps,
      method: approx,
      internalBatchSize: batching.internalBatchSize,
      showProgress: batching.showProgress,
      additionalForwardArgs: batching.additionalForwardArgs,
    });
  }
}
