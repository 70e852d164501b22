/**
 * Layer activation: the layer's output (or input) itself, as Captum's `LayerActivation`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Attribution } from "../attribution.ts";
import type { ForwardArgsOptions } from "../options.ts";
import type { Inputs } from "../types.ts";
import { withLayerTaps } from "./layer_taps.ts";
import type { LayerAttributions } from "./layer_attribution.ts";

/** Options of {@linkcode LayerActivation.attribute}. */
export interface LayerActivationOptions extends ForwardArgsOptions {
  /**
   * Return the layer's input instead of its output.
   * @default false
   */
  attributeToLayerInput?: boolean;
}

/**
 * The activations of a layer for the given inputs (no gradients), in the layer's shape; for the
 * input of a layer with several inputs (`attributeToLayerInput` on a merge), one tensor per input.
 *
 * @example
 * ```ts
 * import { LayerActivation, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const act = await new LayerActivation(model, "hidden").attribute(tf.tensor2d([[1, 2]]));
 * act.print(); // [[3, 3]]
 * ```
 */
export class LayerActivation extends withLayerTaps(Attribution) {
  /**
   * The layer's activations for `inputs`, `[N, ...layer shape]`; the caller owns the tensor(s).
   *
   * @typeParam R `tf.Tensor`, or `tf.Tensor[]` for a layer value of several tensors.
   */
  // deno-lint-ignore require-await
  async attribute<R extends LayerAttributions = tf.Tensor>(
    inputs: Inputs,
    options: LayerActivationOptions = {},
  ): Promise<R> {
    const call = this.layerCall(inputs, options, {}, true);
    try {
      return call.tap.finish(tf.tidy(() => call.tap.layerValue(call.inputs).clone())) as R;
    } finally {
      call.dispose();
    }
  }
}
