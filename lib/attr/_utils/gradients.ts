/**
 * Gradients of the selected output with respect to the inputs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, Target } from "../types.ts";
import { selectTarget } from "./target.ts";

/**
 * ∂F(x)[target]/∂x for every example of the batch `inputs` (examples are independent, so the
 * gradient of the sum over the batch is each example's own gradient). Returns a new tensor of
 * `inputs`' shape; the caller disposes it.
 */
export function gradientsOfTarget(
  method: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  target: Target | undefined,
): tf.Tensor {
  return tf.tidy(() => {
    const f = (x: tf.Tensor) => selectTarget(method, forward(x), target).sum();
    return tf.grad(f)(inputs);
  });
}

/**
 * The selected output value for each example, `[N]`, computed without recording gradients.
 */
export function targetValues(
  method: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  target: Target | undefined,
): tf.Tensor1D {
  return tf.tidy(() => selectTarget(method, forward(inputs), target));
}
