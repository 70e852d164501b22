/**
 * Internal influence of a layer's units, as Captum's `InternalInfluence`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Inputs } from "../types.ts";
import { sumOverChunks } from "../_utils/chunk_sum.ts";
import { expandTarget } from "../_utils/target.ts";
import { LayerAttribution, type LayerPathOptions } from "./layer_attribution.ts";
import type { LayerAttributions } from "./layer_attribution.ts";
import { layerGradients, pathPoints, weightedStepSum } from "./_layer_gradients.ts";

/** Options of {@linkcode InternalInfluence.attribute}. */
export interface InternalInfluenceOptions extends LayerPathOptions {
}

/**
 * Internal influence: the layer gradient ∂F/∂A integrated along the input path
 * x′ + α(x − x′), Σₖ wₖ ∂F/∂A(αₖ) (not multiplied by anything). Result: the layer's shape; for the
 * input of a layer with several inputs (`attributeToLayerInput` on a merge), one tensor per input.
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
  /**
   * Internal influence in the layer's shape; the caller owns the tensor(s).
   *
   * @typeParam R `tf.Tensor`, or `tf.Tensor[]` for a layer value of several tensors.
   */
  async attribute<R extends LayerAttributions = tf.Tensor>(
    inputs: Inputs,
    options: InternalInfluenceOptions = {},
  ): Promise<R> {
    const method = this.methodName;
    const path = this.pathCall(inputs, options, undefined, true);
    const { call: { inputs: x, options: { target }, tap, n }, alphas, weights, baselines } = path;
    try {
      return tap.finish(
        await sumOverChunks(path.chunks, (s, e) => {
          const points = pathPoints(baselines, x, alphas.slice(s, e));
          const { grads } = layerGradients(method, tap, points, expandTarget(target, e - s));
          return weightedStepSum(grads, weights.slice(s, e), n);
        }, path.progress),
      ) as R;
    } finally {
      path.dispose();
    }
  }
}
