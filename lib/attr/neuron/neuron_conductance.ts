/**
 * Conductance of one neuron, as Captum's `NeuronConductance`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type {
  BaselineOptions,
  IntegrationOptions,
  NeuronOptions,
  TargetOptions,
} from "../options.ts";
import type { ApproximationMethod, Target } from "../types.ts";
import { approximationParameters } from "../_utils/approximation.ts";
import { resolveBaselines } from "../_utils/baselines.ts";
import { stepChunks } from "../_utils/batching.ts";
import { rowCost } from "../_utils/memory_budget.ts";
import { sumOverChunks } from "../_utils/chunk_sum.ts";
import { callProgress } from "../_utils/progress.ts";
import { expandTarget } from "../_utils/target.ts";
import { layerGradients, pathPoints, weightedStepSum } from "../layer/_layer_gradients.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";
import { resolveMultiplyByInputs, withLayerConfig } from "../_layer_config.ts";
import { selectNeuron } from "./neuron_selector.ts";
import { CallTap } from "../layer/_call_tap.ts";

/** Constructor options of {@linkcode NeuronConductance}. */
export interface NeuronConductanceConfig {
  /** Multiply by (inputs − baselines). @default true */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode NeuronConductance.attribute}. */
export interface NeuronConductanceOptions
  extends NeuronOptions, TargetOptions, BaselineOptions, IntegrationOptions {
  /** The model output whose change flows through the neuron. @default undefined */
  target?: Target;
  /** How the integral is approximated. @default "riemann_trapezoid" */
  method?: ApproximationMethod;
}

/**
 * Neuron conductance: how much of the change in `target` flows through one neuron, split over the
 * inputs. Along x′ + α(x − x′): (x − x′) ⊙ Σₖ wₖ · ∂F[target]/∂neuron(αₖ) · ∂neuron/∂x(αₖ).
 * Result: the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronConductance, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const nc = new NeuronConductance(model, "hidden");
 * const attr = await nc.attribute(tf.tensor2d([[1, 2]]), { neuronSelector: [0] });
 * attr.print(); // ≈ [[0.98, 1.96]] (trapezoid weights sum to 49/50)
 * ```
 */
export class NeuronConductance extends withLayerConfig(
  NeuronAttribution,
  resolveMultiplyByInputs<NeuronConductanceConfig>,
) {
  /** Attributions in the inputs' shape; the caller owns the tensor. */
  async attribute(inputs: tf.Tensor, options: NeuronConductanceOptions): Promise<tf.Tensor> {
    const method = this.methodName;
    const {
      target,
      nSteps = 50,
      method: approx = "riemann_trapezoid",
      internalBatchSize,
      attributeToNeuronInput = false,
    } = options ?? {};
    this.validateInputsAndTarget(inputs, target);
    const neuron = this.taps.neuronForward(options);
    const selector = options.neuronSelector;
    const tap = new CallTap(this.taps.tap(attributeToNeuronInput, "attributeToNeuronInput"));
    const { alphas, weights } = approximationParameters(method, approx, nSteps);
    const n = inputs.shape[0];
    const cost = rowCost(this.forward, inputs, "gradient");
    const chunks = stepChunks(method, nSteps, n, internalBatchSize, cost);
    const baselines = resolveBaselines(method, inputs, options.baselines);
    let total: tf.Tensor | undefined;
    try {
      total = await sumOverChunks(chunks, (s, e) => {
        const k = e - s;
        const points = pathPoints(baselines, inputs, alphas.slice(s, e));
        // ∂F[target]/∂neuron at each point, [k·N].
        const { grads } = layerGradients(method, tap, points, expandTarget(target, k));
        const mid = selectNeuron(method, grads, selector);
        // ∂neuron/∂x at each point.
        const inputGrads = tf.grad((x: tf.Tensor) => neuron(x).sum())(points);
        const scaled = inputGrads.mul(mid.reshape([k * n, ...inputs.shape.slice(1).map(() => 1)]));
        return weightedStepSum(scaled, weights.slice(s, e), n);
      }, callProgress(options.showProgress, method, nSteps, "steps"));
      const integrated = total;
      return tf.tidy(() =>
        this.multiplyByInputs ? integrated.mul(inputs.sub(baselines)) : integrated.clone()
      );
    } finally {
      tf.dispose([baselines, total!]);
    }
  }
}
