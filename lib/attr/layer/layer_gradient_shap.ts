/**
 * GradientShap at a layer, as Captum's `LayerGradientShap`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Inputs } from "../types.ts";
import type { LayerInputOptions, SamplingOptions, TargetOptions } from "../options.ts";
import type { PathAttributions } from "../attribution.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { gradientShapPaths, resolveSamplingOptions } from "../_utils/gradient_shap_paths.ts";
import { LayerPathAttribution } from "../_path_method.ts";
import { CallTap } from "./_call_tap.ts";
import { layerGradients } from "./_layer_gradients.ts";

/** Constructor options of {@linkcode LayerGradientShap}. */
export interface LayerGradientShapConfig {
  /** Multiply the layer gradients by A(noisy inputs) − A(baselines). @default true */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode LayerGradientShap.attribute}. */
export interface LayerGradientShapOptions
  extends TargetOptions, SamplingOptions, LayerInputOptions {
  /** A distribution of baselines, rows `[B, ...input shape]` drawn uniformly with replacement. */
  baselines: tf.Tensor;
}

/**
 * GradientShap for a layer: per sample, a noisy input x̃, a random baseline row b and α ~ U(0, 1);
 * the contribution is ∂F/∂A(b + α(x̃ − b)) ⊙ (A(x̃) − A(b)); the result is the mean over samples,
 * in the layer's shape.
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
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer one of its layers or the layer's name.
   * @param config see {@linkcode LayerGradientShapConfig}.
   */
  constructor(model: tf.LayersModel, layer: LayerRef, config: LayerGradientShapConfig = {}) {
    super(model, layer);
    this.multiplyByInputs = config.multiplyByInputs ?? true;
  }

  /** Per-sample contributions `[N·nSamples, ...layer shape]` and the paths' ends. */
  protected paths(inputs: Inputs, options: LayerGradientShapOptions): PathAttributions {
    this.assertOneInput(inputs);
    const method = this.methodName;
    this.validateInputsAndTarget(inputs, options?.target);
    const resolved = resolveSamplingOptions(method, inputs, options, this.forward);
    const tap = new CallTap(this.taps.tap(options.attributeToLayerInput ?? false));
    // The same draws, in the same order, as GradientShap.
    return gradientShapPaths(method, inputs, resolved, (x, b, point, target) => {
      const { grads } = layerGradients(method, tap, point, target);
      if (!this.multiplyByInputs) return grads;
      return grads.mul(tap.layerValue(x).sub(tap.layerValue(b)));
    });
  }
}
