/**
 * Feature ablation of a layer's activations, as Captum's `LayerFeatureAblation`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { LayerAttributions } from "./layer_attribution.ts";
import type { ForwardArgsOptions, ProgressOptions, TargetOptions } from "../options.ts";
import type { Inputs } from "../types.ts";
import type { Baseline } from "../types.ts";
import { FeatureAblation } from "../feature_ablation.ts";
import { PerturbationAttribution } from "../attribution.ts";
import { withLayerTaps } from "./layer_taps.ts";

/** Options of {@linkcode LayerFeatureAblation.attribute}. */
export interface LayerFeatureAblationOptions
  extends TargetOptions, ProgressOptions, ForwardArgsOptions {
  /**
   * What an ablated activation is set to: a number, a tensor of the layer's shape `[N, ...]`, or
   * one with batch size 1. For a layer value of several tensors (`attributeToLayerInput` on a
   * merge layer): a number, or one such baseline per layer tensor, in order (Captum's tuple).
   * @default 0
   */
  layerBaselines?: Baseline | readonly Baseline[];
  /**
   * Groups of activations ablated together: an integer tensor of the layer's shape (batch 1 or
   * N); equal ids form one feature. For a layer value of several tensors: one mask per layer
   * tensor, in order (Captum's tuple); an id in several masks is one feature, ablated in every
   * tensor at once (Captum's cross-tensor masks).
   * @default undefined (every activation its own feature)
   */
  layerMask?: tf.Tensor | readonly tf.Tensor[];
  /**
   * Perturbed copies evaluated per forward pass (each contributes N rows); results do not depend
   * on it. A pass that would not fit the wasm heap is refused with a `RangeError` first.
   * @default as FeatureAblation's: about 128 rows per pass, fewer when those would not fit a
   * 512 MiB budget at the measured cost per row
   */
  perturbationsPerEval?: number;
  /** Ablate the layer's input instead of its output. @default false */
  attributeToLayerInput?: boolean;
}

/**
 * For each group of activations of a layer: F(x) − F(x with the group's activations replaced by
 * the layer baseline), broadcast to the group. Result: the layer's shape. The rest of the model
 * (including branches that bypass the layer) sees the inputs.
 *
 * @example
 * ```ts
 * import { LayerFeatureAblation, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new LayerFeatureAblation(model, "hidden").attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // [[3, 3]]
 * ```
 */
export class LayerFeatureAblation extends withLayerTaps(PerturbationAttribution) {
  /**
   * Attributions in the layer's shape; the caller owns the tensor(s).
   *
   * @typeParam R `tf.Tensor`, or `tf.Tensor[]` for a layer value of several tensors (one per
   *   layer tensor, as Captum's tuple).
   */
  async attribute<R extends LayerAttributions = tf.Tensor>(
    inputs: Inputs,
    options: LayerFeatureAblationOptions = {},
  ): Promise<R> {
    return await this.perturbLayer(
      inputs,
      options,
      (forward, values, { layerMask, layerBaselines }) =>
        new FeatureAblation(forward).attribute(values, {
          target: options.target,
          baselines: layerBaselines,
          featureMask: layerMask,
          perturbationsPerEval: options.perturbationsPerEval,
          showProgress: options.showProgress,
        }),
    ) as R;
  }
}
