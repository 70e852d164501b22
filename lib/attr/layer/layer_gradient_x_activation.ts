/**
 * Gradient × activation at a layer, as Captum's `LayerGradientXActivation`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerInputOptions, TargetOptions } from "../options.ts";
import { LayerAttribution } from "./layer_attribution.ts";
import { resolveMultiplyByInputs, withLayerConfig } from "../_layer_config.ts";
import { layerGradients } from "./_layer_gradients.ts";

/** Constructor options of {@linkcode LayerGradientXActivation}. */
export interface LayerGradientXActivationConfig {
  /**
   * Multiply the gradient by the activation; false returns the plain layer gradient.
   * @default true
   */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode LayerGradientXActivation.attribute}. */
export interface LayerGradientXActivationOptions extends TargetOptions, LayerInputOptions {}

/**
 * ∂F/∂A ⊙ A for the activations A of a layer, in the layer's shape.
 *
 * @example
 * ```ts
 * import { LayerGradientXActivation, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new LayerGradientXActivation(model, "hidden").attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // [[3, 3]]
 * ```
 */
export class LayerGradientXActivation extends withLayerConfig(
  LayerAttribution,
  resolveMultiplyByInputs<LayerGradientXActivationConfig>,
) {
  /** Attributions in the layer's shape; the caller owns the tensor. */
  // deno-lint-ignore require-await
  async attribute(
    inputs: tf.Tensor,
    options: LayerGradientXActivationOptions = {},
  ): Promise<tf.Tensor> {
    const { target } = options;
    const tap = this.validatedTap(inputs, options);
    return tf.tidy(() => {
      const { values, grads } = layerGradients(this.methodName, tap, inputs, target);
      return this.multiplyByInputs ? grads.mul(values) : grads;
    });
  }
}
