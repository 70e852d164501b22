/**
 * Gradients of the selected output with respect to the inputs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, Target } from "../types.ts";
import { selectTarget, targetMask } from "./target.ts";

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
        return targetSum(method, output, target);
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
 * The sum over the batch of the selected output values, as the objective of a gradient: a class
 * index (or one per example) selects through a one-hot mask in one differentiable op, a function
 * target through the ops it runs. Throws on a bad target (callers inside `tf.grad` catch it).
 */
export function targetSum(
  method: string,
  output: tf.Tensor,
  target: Target | undefined,
): tf.Scalar {
  if (typeof target === "number" || Array.isArray(target)) {
    return sumOfMasked(output, targetMask(method, output, target));
  }
  return selectTarget(method, output, target).sum();
}

/**
 * `Σ output ⊙ mask` as one differentiable op whose gradient is `dy · mask`: the same value and
 * gradient as `output.mul(mask).sum()`, without taping the multiply and the reduction (their
 * backward pass is six small kernels, ~0.15 ms of a ~1.4 ms single-image gradient).
 */
function sumOfMasked(output: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  const op = tf.customGrad((x: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
    (save as tf.GradSaveFunc)([mask]);
    const value = (x as tf.Tensor).mul(mask).sum() as tf.Scalar;
    return { value, gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => dy.mul(saved[0]) };
  });
  return op(output) as tf.Scalar;
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
