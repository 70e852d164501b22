/**
 * The DeepLift backward pass shared by DeepLift and DeepLiftShap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction } from "../types.ts";
import { withGradientOverrides } from "./gradient_override.ts";
import { deepLiftOverrides } from "./relu_rules.ts";
import { DeferredError, targetGradient } from "./gradients.ts";
import { declaredOutputShape } from "./forward.ts";
import { type CallTarget, expandTarget, runForward } from "./target.ts";

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
  target: CallTarget | undefined,
  eps: number,
): tf.Tensor {
  const deferred = new DeferredError();
  // Both halves' targets, as Captum: a max-pooling rule routes the baselines' half too.
  const both = expandTarget(target, 2);
  const multipliers = withGradientOverrides(
    deepLiftOverrides(method, eps, deferred.fail),
    () =>
      targetGradient(
        method,
        (x) => runForward(forward, tf.concat([x, baselines], 0), both),
        inputs,
        both,
        declaredOutputShape(forward, 2 * inputs.shape[0]),
      ),
  );
  deferred.rethrow(multipliers);
  return multipliers;
}
