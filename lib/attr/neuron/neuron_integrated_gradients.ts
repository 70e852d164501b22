/**
 * Integrated Gradients of one neuron, as Captum's `NeuronIntegratedGradients`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ApproximationMethod, Baseline } from "../types.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { IntegratedGradients } from "../integrated_gradients.ts";
import { approximationParameters } from "../_utils/approximation.ts";
import { assertBroadcastableBaselines } from "../_utils/baselines.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";
import type { NeuronSelector } from "./neuron_selector.ts";

/** Constructor options of {@linkcode NeuronIntegratedGradients}. */
export interface NeuronIntegratedGradientsConfig {
  /** Multiply the integrated gradients by (inputs − baselines). @default true */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode NeuronIntegratedGradients.attribute}. */
export interface NeuronIntegratedGradientsOptions {
  /** The neuron to explain: an index into the layer's value (NHWC `[h, w, c]`) or a function. */
  neuronSelector: NeuronSelector;
  /** Reference inputs: a number, a tensor of the inputs' shape, or one with batch size 1. @default 0 */
  baselines?: Baseline;
  /** Number of integration steps. @default 50 */
  nSteps?: number;
  /** How the integral is approximated. @default "gausslegendre" */
  method?: ApproximationMethod;
  /** Most rows (examples × steps) evaluated at once. @default undefined (all at once) */
  internalBatchSize?: number;
  /** Select the neuron in the layer's input instead of its output. @default false */
  attributeToNeuronInput?: boolean;
}

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
export class NeuronIntegratedGradients extends NeuronAttribution {
  /** Whether attributions are multiplied by (inputs − baselines). */
  readonly multiplyByInputs: boolean;

  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer one of its layers or the layer's name.
   * @param config see {@linkcode NeuronIntegratedGradientsConfig}.
   */
  constructor(
    model: tf.LayersModel,
    layer: LayerRef,
    config: NeuronIntegratedGradientsConfig = {},
  ) {
    super(model, layer);
    this.multiplyByInputs = config.multiplyByInputs ?? true;
  }

  /** Attributions in the inputs' shape; the caller owns the tensor. */
  async attribute(
    inputs: tf.Tensor,
    options: NeuronIntegratedGradientsOptions,
  ): Promise<tf.Tensor> {
    const method = this.methodName;
    this.validateInputsAndTarget(inputs, undefined);
    const forward = this.neuronForward(options?.neuronSelector, options.attributeToNeuronInput);
    const { baselines, nSteps = 50, method: approx = "gausslegendre", internalBatchSize } = options;
    approximationParameters(method, approx, nSteps);
    if (typeof baselines === "object") assertBroadcastableBaselines(method, inputs, baselines);
    const ig = new IntegratedGradients(forward, { multiplyByInputs: this.multiplyByInputs });
    return await ig.attribute(inputs, { baselines, nSteps, method: approx, internalBatchSize });
  }
}
