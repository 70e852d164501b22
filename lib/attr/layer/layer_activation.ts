/**
 * Layer activation: the layer's output (or input) itself, as Captum's `LayerActivation`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Attribution } from "../attribution.ts";
import { withLayerTaps } from "./layer_taps.ts";
import type { LayerAttributions } from "./_call_tap.ts";

/** Options of {@linkcode LayerActivation.attribute}. */
export interface LayerActivationOptions {
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
    inputs: tf.Tensor,
    options: LayerActivationOptions = {},
  ): Promise<R> {
    const { attributeToLayerInput } = options;
    const tap = this.validatedTap(inputs, { attributeToLayerInput }, true);
    return tap.finish(tf.tidy(() => tap.layerValue(inputs).clone())) as R;
  }
}
