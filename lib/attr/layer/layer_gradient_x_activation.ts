/**
 * Gradient × activation at a layer, as Captum's `LayerGradientXActivation`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, LayerInputOptions, TargetOptions } from "../options.ts";
import type { Inputs } from "../types.ts";
import type { LayerAttributions } from "./layer_attribution.ts";
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
export interface LayerGradientXActivationOptions
  extends TargetOptions, LayerInputOptions, ForwardArgsOptions {}

/**
 * ∂F/∂A ⊙ A for the activations A of a layer, in the layer's shape; for the input of a layer with
 * several inputs (`attributeToLayerInput` on a merge), one tensor per input, as Captum's tuple.
 * Takes one tensor or an array of inputs (one per model input).
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
  /**
   * Attributions in the layer's shape; the caller owns the tensor(s).
   *
   * @typeParam R `tf.Tensor`, or `tf.Tensor[]` for a layer value of several tensors.
   */
  // deno-lint-ignore require-await
  async attribute<R extends LayerAttributions = tf.Tensor>(
    inputs: Inputs,
    options: LayerGradientXActivationOptions = {},
  ): Promise<R> {
    const call = this.layerCall(inputs, options, {}, true);
    const { tap } = call;
    try {
      return tap.finish(tf.tidy(() => {
        const lg = layerGradients(this.methodName, tap, call.inputs, call.options.target);
        return this.multiplyByInputs ? lg.grads.mul(lg.values) : lg.grads;
      })) as R;
    } finally {
      call.dispose();
    }
  }
}
