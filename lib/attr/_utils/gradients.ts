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
  // An error thrown inside tf.grad's forward pass leaks the tensors the tape saved for the
  // backward pass (TensorFlow.js disposes them only after backpropagation), so a target error is
  // deferred: the pass completes on a zero objective and the error is thrown afterwards.
  let failure: unknown;
  const grads = tf.tidy(() => {
    const f = (x: tf.Tensor) => {
      const output = forward(x);
      try {
        return selectTarget(method, output, target).sum();
      } catch (error) {
        failure = error;
        return output.sum().mul(0);
      }
    };
    return tf.grad(f)(inputs);
  });
  if (failure !== undefined) {
    grads.dispose();
    throw failure;
  }
  return grads;
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
