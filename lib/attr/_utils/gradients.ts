/**
 * Gradients of the selected output with respect to the inputs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction } from "../types.ts";
import { type CallTarget, resolveTarget, runForward, selectTarget, targetMask } from "./target.ts";

/**
 * ∂F(x)[target]/∂x for every example of the batch `inputs` (examples are independent, so the
 * gradient of the sum over the batch is each example's own gradient). Returns a new tensor of
 * `inputs`' shape; the caller disposes it.
 */
export function gradientsOfTarget(
  method: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  target: CallTarget | undefined,
): tf.Tensor {
  const deferred = new DeferredError();
  const grads = tf.tidy(() =>
    tf.grad((x: tf.Tensor) =>
      targetObjective(method, runForward(forward, x, target), target, deferred.fail)
    )(inputs)
  );
  deferred.rethrow(grads);
  return grads;
}

/**
 * An error thrown inside `tf.grad`'s forward pass leaks the tensors the tape saved for the
 * backward pass (TensorFlow.js disposes them only after backpropagation). So an error raised there
 * (a target that does not fit the output, a DeepLift rule that does not apply) is recorded with
 * {@linkcode DeferredError.fail}, the pass completes, and {@linkcode DeferredError.rethrow} throws
 * the first one afterwards.
 */
export class DeferredError {
  #error: unknown;

  /** Record `error`; the first one recorded is kept. */
  readonly fail = (error: unknown): void => {
    this.#error ??= error;
  };

  /** Throw the recorded error, if any, after disposing `tensors`. */
  rethrow(...tensors: tf.Tensor[]): void {
    if (this.#error === undefined) return;
    tf.dispose(tensors);
    throw this.#error;
  }
}

/**
 * {@linkcode targetSum} as the objective of `tf.grad`: when the target does not fit `output`, the
 * error goes to `fail` and the objective is zero, so that the pass completes (see
 * {@linkcode DeferredError}).
 */
export function targetObjective(
  method: string,
  output: tf.Tensor,
  target: CallTarget | undefined,
  fail: (error: unknown) => void,
): tf.Scalar {
  try {
    return targetSum(method, output, target);
  } catch (error) {
    fail(error);
    return output.sum().mul(0);
  }
}

/**
 * The sum over the batch of the selected output values, as the objective of a gradient: a class
 * index (or one per example) selects through a one-hot mask in one differentiable op, a function
 * target through the ops it runs. Throws on a bad target (callers inside `tf.grad` catch it).
 */
export function targetSum(
  method: string,
  output: tf.Tensor,
  callTarget: CallTarget | undefined,
): tf.Scalar {
  const target = resolveTarget(callTarget);
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
  target: CallTarget | undefined,
): tf.Tensor1D {
  return tf.tidy(() => selectTarget(method, runForward(forward, inputs, target), target));
}
