/**
 * Integrated Gradients of one neuron, as Captum's `NeuronIntegratedGradients`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BaselineOptions, IntegrationOptions, NeuronOptions } from "../options.ts";
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
  extends NeuronOptions, BaselineOptions, IntegrationOptions {}

/**
 * Integrated Gradients of one neuron's value (instead of the model output) with respect to the
 * inputs, along x′ + α(x − x′). Sums to neuron(x) − neuron(x′). Result: the inputs' shape.
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
  /** Attributions in the inputs' shape; the caller owns the tensor. */
  async attribute(
    inputs: tf.Tensor,
    options: NeuronIntegratedGradientsOptions,
  ): Promise<tf.Tensor> {
    const method = this.methodName;
    this.validateInputsAndTarget(inputs, undefined);
    const forward = this.taps.neuronForward(options);
    const { baselines, nSteps = 50, method: approx = "gausslegendre", ...batching } = options;
    approximationParameters(method, approx, nSteps);
    if (typeof baselines === "object") assertBroadcastableBaselines(method, inputs, baselines);
    const ig = new IntegratedGradients(forward, { multiplyByInputs: this.multiplyByInputs });
    return await ig.attribute(inputs, {
      baselines,
      nSteps,
      method: approx,
      internalBatchSize: batching.internalBatchSize,
      showProgress: batching.showProgress,
    });
  }
}
