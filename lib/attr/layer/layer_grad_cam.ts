/**
 * Grad-CAM at a layer, as Captum's `LayerGradCam`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, LayerInputOptions, TargetOptions } from "../options.ts";
import type { Inputs } from "../types.ts";
import { LayerAttribution } from "./layer_attribution.ts";
import { layerGradients } from "./_layer_gradients.ts";
import type { LayerAttributions } from "./layer_attribution.ts";

/** Options of {@linkcode LayerGradCam.attribute}. */
export interface LayerGradCamOptions extends TargetOptions, LayerInputOptions, ForwardArgsOptions {
  /** Pass the map through a ReLU (keep only evidence for the target). @default false */
  reluAttributions?: boolean;
  /**
   * Sum the weighted activations over the channel axis (the last, NHWC), keeping it with size 1;
   * false returns one map per channel.
   * @default true
   */
  attrDimSummation?: boolean;
}

/**
 * Grad-CAM: the layer's gradients averaged over the spatial axes give one weight per channel;
 * the map is Σ_c weight_c · A_c, shape `[N, h, w, 1]` for a NHWC layer (for a 2-D layer `[N, c]`,
 * the gradients are not averaged and the result is `[N, 1]`). Resize it to the input with
 * {@linkcode LayerAttribution.interpolate}.
 *
 * @example
 * ```ts
 * import { LayerGradCam, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ name: "conv", inputShape: [4, 4, 1], filters: 2, kernelSize: 3, kernelInitializer: "ones" }),
 *   tf.layers.flatten(),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const cam = await new LayerGradCam(model, "conv").attribute(tf.ones([1, 4, 4, 1]));
 * console.log(cam.shape); // [1, 2, 2, 1]
 * ```
 */
export class LayerGradCam extends LayerAttribution {
  /**
   * The Grad-CAM map; the caller owns the tensor(s). For the input of a layer with several inputs
   * (`attributeToLayerInput` on a merge), one map per input, as Captum's tuple.
   *
   * @typeParam R `tf.Tensor`, or `tf.Tensor[]` for a layer value of several tensors.
   */
  // deno-lint-ignore require-await
  async attribute<R extends LayerAttributions = tf.Tensor>(
    inputs: Inputs,
    options: LayerGradCamOptions = {},
  ): Promise<R> {
    const { reluAttributions = false, attrDimSummation = true } = options;
    const call = this.layerCall(inputs, options, {}, true);
    const { tap } = call;
    try {
      const maps = tf.tidy(() => {
        const lg = layerGradients(this.methodName, tap, call.inputs, call.options.target);
        const grads = tap.split(lg.grads);
        return tap.split(lg.values).map((values, i) => {
          const rank = values.rank;
          const spatial = Array.from({ length: Math.max(0, rank - 2) }, (_, i) => i + 1);
          const weights = rank > 2 ? grads[i].mean(spatial, true) : grads[i];
          const scaled = weights.mul(values);
          const cam = attrDimSummation ? scaled.sum(rank - 1, true) : scaled;
          return reluAttributions ? tf.relu(cam) : cam;
        });
      });
      return (tap.packed ? maps : maps[0]) as R;
    } finally {
      call.dispose();
    }
  }
}
