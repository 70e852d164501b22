/**
 * One signed-gradient step of the attacks (Captum's `FGSM._perturb`), shared by FGSM and PGD.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction } from "../attr/types.ts";
import type { LossFunction } from "./losses.ts";
import { DeferredError } from "../attr/_utils/gradients.ts";

/** Gradients with |g| at or below this are treated as zero (Captum's `zero_thresh`). */
export const ZERO_THRESHOLD = 1e-6;

/** What one step needs. */
export interface AttackStep {
  forward: ForwardFunction;
  loss: LossFunction;
  labels: readonly number[];
  /** −1 descends the loss (targeted), +1 ascends it. */
  direction: 1 | -1;
  mask?: tf.Tensor;
}

/**
 * `x + direction · epsilon · sign(∇ₓ Σ loss) · mask`, where |∇| > {@linkcode ZERO_THRESHOLD}, and
 * `x` elsewhere (not bounded). Called inside a `tf.tidy`.
 *
 * @throws what the loss throws, once the gradient pass has completed.
 */
export function signedGradientStep(step: AttackStep, x: tf.Tensor, epsilon: number): tf.Tensor {
  // A loss that throws (a label beyond the output's width) would leak the tape's tensors: the
  // error is deferred until the pass completes (see DeferredError).
  const deferred = new DeferredError();
  const grad = tf.grad((v: tf.Tensor) => {
    const output = step.forward(v);
    try {
      return step.loss(output, step.labels).sum();
    } catch (error) {
      deferred.fail(error);
      return output.sum().mul(0);
    }
  })(x);
  deferred.rethrow(grad);
  // where(|g| > threshold, x + d·ε·sign(g)·mask, x), with a 0/1 factor instead of `where`.
  const live = grad.abs().greater(ZERO_THRESHOLD).cast("float32");
  let delta = grad.sign().mul(live).mul(step.direction * epsilon);
  if (step.mask) delta = delta.mul(step.mask);
  return x.add(delta);
}

/** `x` clamped to `[lower, upper]` (unchanged when both are infinite). */
export function bound(x: tf.Tensor, lower: number, upper: number): tf.Tensor {
  if (lower === -Infinity && upper === Infinity) return x.clone();
  return tf.clipByValue(x, lower, upper);
}
