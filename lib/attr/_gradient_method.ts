/**
 * Typed views of a gradient explainer built by a mixin. TypeScript gives a mixin's methods the
 * base's loose `attribute(inputs, options?: object)` as well (an overload); these interfaces state
 * each method's own arguments instead, so that a missing or misspelt option is a compile error.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { GradientAttribution } from "./attribution.ts";
import type { LayerAttribution } from "./layer/layer_attribution.ts";
import type { TargetOptions } from "./options.ts";
import type { AttributionWithDelta } from "./types.ts";

/**
 * What a method's `attribute()` takes after the inputs: `[options?: Options]` when every option
 * has a default, `[options: Options]` when one is required (GradientShap's `baselines`).
 */
export type MethodArguments = [options?: TargetOptions];

/** A gradient explainer whose `attribute()` and `attributeWithDelta()` take `Args`. */
export interface GradientMethod<Args extends MethodArguments> extends GradientAttribution {
  /** Attributions in the inputs' shape. The caller owns the result. */
  attribute(inputs: tf.Tensor, ...args: Args): Promise<tf.Tensor>;
  /** Attributions and Captum's convergence delta. The caller owns both tensors. */
  attributeWithDelta(inputs: tf.Tensor, ...args: Args): Promise<AttributionWithDelta>;
}

/** A layer explainer whose `attribute()` and `attributeWithDelta()` take `Args`. */
export interface LayerGradientMethod<Args extends MethodArguments> extends LayerAttribution {
  /** Attributions in the layer's shape. The caller owns the result. */
  attribute(inputs: tf.Tensor, ...args: Args): Promise<tf.Tensor>;
  /** Attributions and Captum's convergence delta. The caller owns both tensors. */
  attributeWithDelta(inputs: tf.Tensor, ...args: Args): Promise<AttributionWithDelta>;
}
