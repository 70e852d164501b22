/**
 * GradientShap of one neuron, as Captum's `NeuronGradientShap`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, NeuronOptions, SamplingOptions } from "../options.ts";
import type { AttributionsOf, Inputs, PerInput } from "../types.ts";
import { GradientShap } from "../gradient_shap.ts";
import { assertBaselineDistribution } from "../_utils/baselines.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";
import { resolveMultiplyByInputs, withLayerConfig } from "../_layer_config.ts";

/** Constructor options of {@linkcode NeuronGradientShap}. */
export interface NeuronGradientShapConfig {
  /** Multiply the gradients by (noisy inputs − baselines). @default true */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode NeuronGradientShap.attribute}. */
export interface NeuronGradientShapOptions
  extends NeuronOptions, Omit<SamplingOptions, "stdevs">, ForwardArgsOptions {
  /**
   * A distribution of baselines, rows `[B, ...input shape]` drawn uniformly; for an array of
   * inputs, one per input with the same number of rows.
   */
  baselines: PerInput<tf.Tensor>;
  /** Standard deviation of the noise added to the inputs; one per input for an array. @default 0 */
  stdevs?: PerInput<number>;
}

/**
 * GradientShap of one neuron's value: the expectation over random baselines b and α ~ U(0, 1)
 * of ∂neuron/∂x(b + α(x̃ − b)) ⊙ (x̃ − b), x̃ the (optionally noisy) inputs. Result: inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronGradientShap, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const ngs = new NeuronGradientShap(model, "hidden");
 * const attr = await ngs.attribute(tf.tensor2d([[1, 2]]), {
 *   neuronSelector: [0],
 *   baselines: tf.zeros([3, 2]),
 * });
 * attr.print(); // [[1, 2]] (the neuron is linear)
 * ```
 */
export class NeuronGradientShap extends withLayerConfig(
  NeuronAttribution,
  resolveMultiplyByInputs<NeuronGradientShapConfig>,
) {
  /** Attributions in the inputs' shape (one per input for an array); the caller owns them. */
  async attribute<T extends Inputs>(
    inputs: T,
    options: NeuronGradientShapOptions,
  ): Promise<AttributionsOf<T>> {
    this.assertModelInputs(inputs, options?.additionalForwardArgs);
    const forward = this.taps.neuronForward(options);
    if (!Array.isArray(inputs)) {
      assertBaselineDistribution(this.methodName, inputs as tf.Tensor, options.baselines);
    }
    const { baselines, nSamples, stdevs, seed, internalBatchSize, additionalForwardArgs } = options;
    const gs = new GradientShap(forward, { multiplyByInputs: this.multiplyByInputs });
    return await gs.attribute(inputs, {
      baselines,
      nSamples,
      stdevs,
      seed,
      internalBatchSize,
      additionalForwardArgs,
    });
  }
}
