/**
 * Permutation feature importance of a layer's activations, as Captum's `LayerFeaturePermutation`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, ProgressOptions, TargetOptions } from "../options.ts";
import type { Inputs } from "../types.ts";
import { assertPermutableBatch, FeaturePermutation } from "../feature_permutation.ts";
import { PerturbationAttribution } from "../attribution.ts";
import { withLayerTaps } from "./layer_taps.ts";
import type { LayerAttributions } from "./layer_attribution.ts";

/** Options of {@linkcode LayerFeaturePermutation.attribute}. */
export interface LayerFeaturePermutationOptions
  extends TargetOptions, ProgressOptions, ForwardArgsOptions {
  /**
   * Groups of activations permuted together: an integer tensor of the layer's shape (batch 1 or
   * N); equal ids form one feature. For a layer value of several tensors (`attributeToLayerInput`
   * on a merge layer): one mask per layer tensor, in order; an id in several masks is one feature,
   * permuted in every tensor at once.
   * @default undefined (every activation its own feature)
   */
  layerMask?: tf.Tensor | readonly tf.Tensor[];
  /**
   * Permuted copies evaluated per forward pass (each contributes N rows); results do not depend
   * on it. A pass that would not fit the wasm heap is refused with a `RangeError` first.
   * @default as FeaturePermutation's: about 128 rows per pass, fewer when those would not fit a
   * 512 MiB budget at the measured cost per row
   */
  perturbationsPerEval?: number;
  /** Permute the layer's input instead of its output. @default false */
  attributeToLayerInput?: boolean;
  /** Seed of the permutations (as FeaturePermutation's). @default 0 */
  seed?: number;
}

/**
 * For each group of activations of a layer: F(x) − F(x with the group's activations shuffled
 * across the batch), broadcast to the group; the permutation of the examples is seeded and never
 * the identity. Result: the layer's shape. The rest of the model (including branches that bypass
 * the layer) sees the unpermuted inputs. Needs at least 2 examples.
 *
 * @example
 * ```ts
 * import { LayerFeaturePermutation, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "identity" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const lfp = new LayerFeaturePermutation(model, "hidden");
 * const attr = await lfp.attribute(tf.tensor2d([[1, 1], [2, 3]]));
 * attr.print(); // [[-1, -2], [1, 2]]: with two examples the permutation swaps them
 * ```
 */
export class LayerFeaturePermutation extends withLayerTaps(PerturbationAttribution) {
  /**
   * Attributions in the layer's shape; the caller owns the tensor(s).
   *
   * @typeParam R `tf.Tensor`, or `tf.Tensor[]` for a layer value of several tensors (one per
   *   layer tensor).
   * @throws {RangeError} for a batch of one example, a bad layer mask or `perturbationsPerEval` < 1.
   */
  async attribute<R extends LayerAttributions = tf.Tensor>(
    inputs: Inputs,
    options: LayerFeaturePermutationOptions = {},
  ): Promise<R> {
    const { seed = 0 } = options;
    const first = Array.isArray(inputs) ? inputs[0] : inputs;
    if (first instanceof tf.Tensor) {
      assertPermutableBatch(this.methodName, first, seed, "activations");
    }
    return await this.perturbLayer(
      inputs,
      options,
      (forward, values, { layerMask }) =>
        new FeaturePermutation(forward).attribute(values, {
          target: options.target,
          featureMask: layerMask,
          perturbationsPerEval: options.perturbationsPerEval,
          showProgress: options.showProgress,
          seed,
        }),
    ) as R;
  }
}
