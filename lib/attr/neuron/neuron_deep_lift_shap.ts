/**
 * DeepLiftShap of one neuron, as Captum's `NeuronDeepLiftShap`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, NeuronOptions } from "../options.ts";
import type { AttributionsOf, Inputs, PerInput } from "../types.ts";
import { DeepLiftShap } from "../deep_lift_shap.ts";
import { assertBaselineDistribution } from "../_utils/baselines.ts";
import { NeuronDeepLift } from "./neuron_deep_lift.ts";

/** Options of {@linkcode NeuronDeepLiftShap.attribute}. */
export interface NeuronDeepLiftShapOptions extends NeuronOptions, ForwardArgsOptions {
  /**
   * A distribution of baselines, rows `[B, ...input shape]`; DeepLift is averaged over them. For
   * an array of inputs, one per input with the same number of rows.
   */
  baselines: PerInput<tf.Tensor>;
  /** Most rows (examples × baselines) evaluated at once. @default undefined (all at once) */
  internalBatchSize?: number;
}

/**
 * {@linkcode NeuronDeepLift} against every baseline row, averaged. Result: the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronDeepLiftShap, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: "ones" }),
 *   tf.layers.reLU({ name: "relu" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const attr = await new NeuronDeepLiftShap(model, "relu").attribute(tf.tensor2d([[1, 2]]), {
 *   neuronSelector: [0],
 *   baselines: tf.zeros([2, 2]),
 * });
 * attr.print(); // [[1, 2]]
 * ```
 */
export class NeuronDeepLiftShap extends NeuronDeepLift {
  /** Attributions in the inputs' shape; the caller owns the tensor. */
  override async attribute<T extends Inputs>(
    inputs: T,
    options: NeuronDeepLiftShapOptions,
  ): Promise<AttributionsOf<T>> {
    const forward = this.deepLiftForward(inputs, options);
    if (!Array.isArray(inputs)) {
      assertBaselineDistribution(this.methodName, inputs as tf.Tensor, options.baselines);
    }
    const dls = new DeepLiftShap(forward, {
      multiplyByInputs: this.multiplyByInputs,
      eps: this.eps,
    });
    const { baselines, internalBatchSize, additionalForwardArgs } = options;
    return await dls.attribute(inputs, { baselines, internalBatchSize, additionalForwardArgs });
  }
}
