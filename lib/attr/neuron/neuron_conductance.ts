/**
 * Conductance of one neuron, as Captum's `NeuronConductance`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type {
  ForwardArgsOptions,
  InputBaselineOptions,
  IntegrationOptions,
  NeuronOptions,
  TargetOptions,
} from "../options.ts";
import type { ApproximationMethod, AttributionsOf, Baseline, Inputs, Target } from "../types.ts";
import { approximationParameters } from "../_utils/approximation.ts";
import { resolveBaselines } from "../_utils/baselines.ts";
import { stepChunks } from "../_utils/batching.ts";
import { rowCost } from "../_utils/memory_budget.ts";
import { sumOverChunks } from "../_utils/chunk_sum.ts";
import { callProgress } from "../_utils/progress.ts";
import { type CallTarget, expandTarget } from "../_utils/target.ts";
import { layerGradients, pathPoints, weightedStepSum } from "../layer/_layer_gradients.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";
import { resolveMultiplyByInputs, withLayerConfig } from "../_layer_config.ts";
import { selectNeuron } from "./neuron_selector.ts";

/** Constructor options of {@linkcode NeuronConductance}. */
export interface NeuronConductanceConfig {
  /** Multiply by (inputs − baselines). @default true */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode NeuronConductance.attribute}. */
export interface NeuronConductanceOptions
  extends
    NeuronOptions,
    TargetOptions,
    InputBaselineOptions,
    IntegrationOptions,
    ForwardArgsOptions {
  /** The model output whose change flows through the neuron. @default undefined */
  target?: Target;
  /** How the integral is approximated. @default "riemann_trapezoid" */
  method?: ApproximationMethod;
}

/**
 * Neuron conductance: how much of the change in `target` flows through one neuron, split over the
 * inputs. Along x′ + α(x − x′): (x − x′) ⊙ Σₖ wₖ · ∂F[target]/∂neuron(αₖ) · ∂neuron/∂x(αₖ).
 * Result: the inputs' shape (one tensor per input for an array of inputs).
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
  /**
   * Attributions in the inputs' shape (one tensor per input for an array of inputs); the caller
   * owns the tensor(s).
   */
  async attribute<T extends Inputs>(
    inputs: T,
    options: NeuronConductanceOptions,
  ): Promise<AttributionsOf<T>> {
    const method = this.methodName;
    const {
      nSteps = 50,
      method: approx = "riemann_trapezoid",
      internalBatchSize,
      attributeToNeuronInput = false,
    } = options ?? {};
    const neuron = this.taps.neuronForward(options) as (...inputs: tf.Tensor[]) => tf.Tensor;
    const selector = options.neuronSelector;
    const call = this.layerCall(
      inputs,
      { ...options, attributeToLayerInput: attributeToNeuronInput },
      { baselines: "inputs" },
      true,
    );
    const { inputs: x, n, tap, options: { target } } = call;
    const neuronOf = (points: tf.Tensor, rows: CallTarget | undefined) =>
      neuron(...[tap.modelInputs(points, rows)].flat());
    let baselines: tf.Tensor | undefined;
    let total: tf.Tensor | undefined;
    try {
      const { alphas, weights } = approximationParameters(method, approx, nSteps);
      const cost = rowCost(call.forward, x, "gradient");
      const chunks = stepChunks(method, nSteps, n, internalBatchSize, cost);
      baselines = resolveBaselines(method, x, call.options.baselines as Baseline | undefined);
      const start = baselines;
      total = await sumOverChunks(chunks, (s, e) => {
        const k = e - s;
        const t = expandTarget(target, k);
        const points = pathPoints(start, x, alphas.slice(s, e));
        // ∂F[target]/∂neuron at each point, [k·N].
        const { grads } = layerGradients(method, tap, points, t);
        const mid = selectNeuron(method, tap.split(grads), selector);
        // ∂neuron/∂x at each point.
        const inputGrads = tf.grad((p: tf.Tensor) => neuronOf(p, t).sum())(points);
        const scaled = inputGrads.mul(mid.reshape([k * n, ...x.shape.slice(1).map(() => 1)]));
        return weightedStepSum(scaled, weights.slice(s, e), n);
      }, callProgress(options.showProgress, method, nSteps, "steps"));
      const integrated = total;
      return call.splitInputs(
        tf.tidy(() => this.multiplyByInputs ? integrated.mul(x.sub(start)) : integrated.clone()),
      ) as AttributionsOf<T>;
    } finally {
      tf.dispose([baselines!, total!]);
      call.dispose();
    }
  }
}
