/**
 * Gradients of the explained output with respect to a tapped layer's value.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { CallTarget } from "../_utils/target.ts";
import { targetGradient } from "../_utils/gradients.ts";
import { stepPoints } from "../_utils/path_steps.ts";
import type { CallTap } from "./_call_tap.ts";

/** A layer's value and ∂F[target]/∂(value), both `[N, ...layer shape]`. */
export interface LayerGradients {
  values: tf.Tensor;
  grads: tf.Tensor;
}

/**
 * The tapped value A for `inputs` and ∂F(inputs)[target]/∂A: one forward pass up to the layer,
 * then a forward and backward pass from it (branches bypassing the layer see `inputs`). A layer
 * input A is replaced for every layer that reads it, so the gradient also flows through them, as
 * Captum's layer gradients (see {@linkcode CallTap.gradient}). The target also tells the tap which example each row is (for
 * `additionalForwardArgs`).
 * Call inside `tf.tidy`.
 */
export function layerGradients(
  method: string,
  tap: CallTap,
  inputs: tf.Tensor,
  target: CallTarget | undefined,
): LayerGradients {
  const values = tap.layerValue(inputs, target);
  const outputShape = tap.outputShape(values.shape[0]);
  const grads = tap.gradient(
    values,
    inputs,
    target,
    (f, v) => targetGradient(method, f, v, target, outputShape),
  );
  return { values, grads };
}

/** `[x, x, …]` k times along the batch axis (step-major expansion). */
export function tileRows(x: tf.Tensor, k: number): tf.Tensor {
  if (k === 1) return x;
  return tf.tile(x, [k, ...x.shape.slice(1).map(() => 1)]);
}

/** Σₖ weights[k] · rows of step k, for a `[k·N, ...]` step-major tensor: `[N, ...]`. */
export { weightedStepSum } from "../_utils/path_steps.ts";

/** `start + α·(end − start)` for each α, stacked step-major: `[alphas.length · N, ...]`. */
export function pathPoints(start: tf.Tensor, end: tf.Tensor, alphas: readonly number[]): tf.Tensor {
  return tf.tidy(() => stepPoints(start, end.sub(start), alphas));
}
