/**
 * The DeepLift backward pass shared by DeepLift and DeepLiftShap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, Target } from "../types.ts";
import { withGradientOverrides } from "./gradient_override.ts";
import { deepLiftOverrides } from "./relu_rules.ts";
import { targetSum } from "./gradients.ts";
import { expandTarget } from "./target.ts";

/**
 * DeepLIFT multipliers (`multiplyByInputs` false) or attributions for `inputs` against
 * `baselines` of the same shape: one forward pass on `[inputs; baselines]` with the Rescale rule
 * at every nonlinearity. Returns `[N, ...]`; the caller disposes.
 */
export function deepLiftMultipliers(
  method: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  baselines: tf.Tensor,
  target: Target | undefined,
  eps: number,
): tf.Tensor {
  // Errors inside tf.grad would leak the tensors its tape saved, so they are recorded, the pass
  // completes, and the first one is thrown afterwards.
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
  };
  const multipliers = withGradientOverrides(
    deepLiftOverrides(method, eps, fail),
    () =>
      tf.tidy(() => {
        const f = (x: tf.Tensor) => {
          const out = forward(tf.concat([x, baselines], 0));
          // Both halves' targets, as Captum: a max-pooling rule routes the baselines' half too.
          try {
            return targetSum(method, out, expandTarget(target, 2));
          } catch (error) {
            fail(error);
            return out.sum().mul(0);
          }
        };
        return tf.grad(f)(inputs);
      }),
  );
  if (failure !== undefined) {
    multipliers.dispose();
    throw failure;
  }
  return multipliers;
}
