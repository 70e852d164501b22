/**
 * Typed views of a gradient explainer built by a mixin. TypeScript gives a mixin's methods the
 * base's loose `attribute(inputs, options?: object)` as well (an overload); these interfaces state
 * each method's own arguments instead, so that a missing or misspelt option is a compile error.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { GradientAttribution } from "./attribution.ts";
import type { LayerAttribution, LayerAttributions } from "./layer/layer_attribution.ts";
import type { TargetOptions } from "./options.ts";
import type { AttributionsOf, AttributionWithDelta, Inputs } from "./types.ts";

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

/**
 * A primary gradient explainer whose `attribute()` and `attributeWithDelta()` take `Args` and one
 * tensor or an array of inputs (one attribution per input; the delta stays one per example).
 */
export interface InputsGradientMethod<Args extends MethodArguments> extends GradientAttribution {
  /** Attributions in the inputs' shape, one per input for an array. The caller owns the result. */
  attribute<T extends Inputs>(inputs: T, ...args: Args): Promise<AttributionsOf<T>>;
  /** Attributions and Captum's convergence delta. The caller owns every tensor. */
  attributeWithDelta<T extends Inputs>(
    inputs: T,
    ...args: Args
  ): Promise<AttributionWithDelta<AttributionsOf<T>>>;
}

/**
 * A layer explainer whose `attribute()` and `attributeWithDelta()` take `Args`: one tensor or an
 * array of inputs (one per model input); the result is `R`, one tensor (default) or, for a layer
 * value of several tensors (a merge layer's inputs), one per tensor.
 */
export interface LayerGradientMethod<Args extends MethodArguments> extends LayerAttribution {
  /** Attributions in the layer's shape. The caller owns the result. */
  attribute<R extends LayerAttributions = tf.Tensor>(inputs: Inputs, ...args: Args): Promise<R>;
  /** Attributions and Captum's convergence delta. The caller owns the tensors. */
  attributeWithDelta<R extends LayerAttributions = tf.Tensor>(
    inputs: Inputs,
    ...args: Args
  ): Promise<AttributionWithDelta<R>>;
}
