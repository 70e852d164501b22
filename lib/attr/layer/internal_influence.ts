/**
 * Internal influence of a layer's units, as Captum's `InternalInfluence`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type {
  BaselineOptions,
  IntegrationOptions,
  LayerInputOptions,
  TargetOptions,
} from "../options.ts";
import type { Baseline } from "../types.ts";
import { sumOverChunks } from "../_utils/chunk_sum.ts";
import { expandTarget } from "../_utils/target.ts";
import { LayerAttribution } from "./layer_attribution.ts";
import { layerGradients, pathPoints, weightedStepSum } from "./_layer_gradients.ts";

/** Options of {@linkcode InternalInfluence.attribute}. */
export interface InternalInfluenceOptions
  extends TargetOptions, BaselineOptions, IntegrationOptions, LayerInputOptions {
  /**
   * Reference inputs where the input path starts: a number, a tensor of the inputs' shape, or one
   * with batch size 1.
   * @default 0
   */
  baselines?: Baseline;
}

/**
 * Internal influence: the layer gradient ∂F/∂A integrated along the input path
 * x′ + α(x − x′), Σₖ wₖ ∂F/∂A(αₖ) (not multiplied by anything). Result: the layer's shape.
 *
 * @example
 * ```ts
 * import { InternalInfluence, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new InternalInfluence(model, "hidden").attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // ≈ [[1, 1]]
 * ```
 */
export class InternalInfluence extends LayerAttribution {
  /** Internal influence in the layer's shape; the caller owns the tensor. */
  async attribute(inputs: tf.Tensor, options: InternalInfluenceOptions = {}): Promise<tf.Tensor> {
    const method = this.methodName;
    const { target, alphas, weights, n, chunks, baselines, tap, progress } = this.pathSetup(
      inputs,
      options,
    );
    try {
      return await sumOverChunks(chunks, (s, e) => {
        const points = pathPoints(baselines, inputs, alphas.slice(s, e));
        const { grads } = layerGradients(method, tap, points, expandTarget(target, e - s));
        return weightedStepSum(grads, weights.slice(s, e), n);
      }, progress);
    } finally {
      baselines.dispose();
    }
  }
}
