/**
 * GradientShap at a layer, as Captum's `LayerGradientShap`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Inputs } from "../types.ts";
import type { LayerInputOptions } from "../options.ts";
import type { GradientShapOptions } from "../gradient_shap.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import type { LayerPathAttributions } from "./layer_attribution.ts";
import { gradientShapPaths, resolveSamplingOptions } from "../_utils/gradient_shap_paths.ts";
import { LayerPathAttribution } from "../_path_method.ts";
import { layerGradients } from "./_layer_gradients.ts";

/** Constructor options of {@linkcode LayerGradientShap}. */
export interface LayerGradientShapConfig {
  /** Multiply the layer gradients by A(noisy inputs) − A(baselines). @default true */
  multiplyByInputs?: boolean;
}

/**
 * Options of {@linkcode LayerGradientShap.attribute}: GradientShap's (per input for an array of
 * inputs: `baselines` distributions, `stdevs`), and the layer's side.
 */
export interface LayerGradientShapOptions extends GradientShapOptions, LayerInputOptions {}

/**
 * GradientShap for a layer: per sample, a noisy input x̃, a random baseline row b and α ~ U(0, 1);
 * the contribution is ∂F/∂A(b + α(x̃ − b)) ⊙ (A(x̃) − A(b)); the result is the mean over samples,
 * in the layer's shape. For a model with several inputs, `attribute([a, b])` with a baseline
 * distribution per input (same row count) and `stdevs` per input; with `attributeToLayerInput` on
 * a merge layer, one attribution per layer input (`attribute<tf.Tensor[]>(…)`, Captum's tuple).
 *
 * @example
 * ```ts
 * import { LayerGradientShap, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new LayerGradientShap(model, "hidden").attribute(tf.tensor2d([[1, 2]]), {
 *   baselines: tf.zeros([4, 2]),
 * });
 * attr.print(); // [[3, 3]]
 * ```
 *
 * `attributeWithDelta()` adds Captum's convergence delta, one per sample (`[N · nSamples]`,
 * example-major): Σ contribution − (F(x̃)[t] − F(b)[t]). The caller owns the tensors returned.
 */
export class LayerGradientShap extends LayerPathAttribution<[options: LayerGradientShapOptions]> {
  /** Whether gradients are multiplied by A(noisy inputs) − A(baselines). */
  readonly multiplyByInputs: boolean;

  /**
   * @param model a `tf.LayersModel` with one output (one input, or several: see `attribute()`).
   * @param layer one of its layers or the layer's name.
   * @param config see {@linkcode LayerGradientShapConfig}.
   */
  constructor(model: tf.LayersModel, layer: LayerRef, config: LayerGradientShapConfig = {}) {
    super(model, layer);
    this.multiplyByInputs = config.multiplyByInputs ?? true;
  }

  /**
   * Per-sample contributions `[N·nSamples, ...layer shape]` (packed for a layer value of several
   * tensors) and the paths' ends, on the call's (packed) inputs.
   */
  protected paths(inputs: Inputs, options: LayerGradientShapOptions): LayerPathAttributions {
    const method = this.methodName;
    const spec = { baselines: "distribution", stdevs: true } as const;
    const call = this.layerCall(inputs, options, spec, true);
    try {
      const { tap } = call;
      const resolved = resolveSamplingOptions(method, call.inputs, call.options, call.forward);
      // The same draws, in the same order, as GradientShap; a target that knows the rows' examples
      // expands the extra arguments to the samples (Captum's repeat_interleave).
      const paths = gradientShapPaths(method, call.inputs, resolved, (x, b, point, target) => {
        const { grads } = layerGradients(method, tap, point, target);
        if (!this.multiplyByInputs) return grads;
        return grads.mul(tap.layerValue(x, target).sub(tap.layerValue(b, target)));
      });
      return { ...paths, path: { call, dispose: () => call.dispose() } };
    } catch (error) {
      call.dispose();
      throw error;
    }
  }
}
