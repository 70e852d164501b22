/**
 * The DeepLift backward pass shared by DeepLift and DeepLiftShap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, Target } from "../types.ts";
import { withGradientOverrides } from "./gradient_override.ts";
import { deepLiftOverrides } from "./relu_rules.ts";
import { selectTarget } from "./target.ts";

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
  const n = inputs.shape[0];
  return withGradientOverrides(deepLiftOverrides(method, eps), () =>
    tf.tidy(() => {
      const f = (x: tf.Tensor) => {
        const out = forward(tf.concat([x, baselines], 0));
        const own = out.slice(0, n);
        return selectTarget(method, own, target).sum();
      };
      return tf.grad(f)(inputs);
    }));
}
