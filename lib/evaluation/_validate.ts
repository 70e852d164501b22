/**
 * Private: the argument checks every evaluation metric makes at its boundary, with errors worded
 * "Cannot compute <metric>: <what> must be <expected>, received <value>. <fix>".
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, ModelLike, Target } from "../attr/types.ts";
import { type TensorArgumentCheck, tensorArgumentCheck } from "../attr/_utils/errors.ts";
import { toForwardFunction } from "../attr/_utils/forward.ts";
import { metricError } from "../attr/_utils/metric_errors.ts";
import { validateTarget } from "../attr/_utils/target.ts";

/** Check `inputs`: a live float32 tensor with a batch axis. */
export function assertMetricInputs(metric: string, inputs: unknown): asserts inputs is tf.Tensor {
  if (
    !(inputs instanceof tf.Tensor) || inputs.isDisposed || inputs.dtype !== "float32" ||
    inputs.rank < 2
  ) {
    throw metricError(
      metric,
      "inputs",
      "a live float32 tensor with a batch axis (e.g. NHWC [N, 28, 28, 1])",
      inputs instanceof tf.Tensor && inputs.isDisposed ? "a disposed tensor" : inputs,
      "Pass the batch of inputs the attributions explain (images scaled to [0, 1]).",
    );
  }
}

/** Check `attributions`: a tensor of `inputs`' shape. */
export const assertAttributions: TensorArgumentCheck = tensorArgumentCheck(
  metricError,
  "attributions",
  (inputs) => ({
    expected: `a tensor of the inputs' shape [${inputs.shape.join(", ")}]`,
    fits: (shape) => shape.join() === inputs.shape.join(),
    fix: "Pass the attributions computed for these inputs (upsample layer attributions first, " +
      "e.g. with LayerAttribution.interpolate).",
    live: true,
  }),
);

/** Check the model, inputs, attributions and target of a metric; its forward function. */
export function metricSetup(
  metric: string,
  model: ModelLike,
  inputs: unknown,
  attributions: unknown,
  target: Target | undefined,
): ForwardFunction {
  const forward = toForwardFunction(metric, model);
  assertMetricInputs(metric, inputs);
  assertAttributions(metric, inputs, attributions);
  metricTarget(metric, () => validateTarget(metric, target, inputs.shape[0]));
  return forward;
}

/** The options every perturbation metric (deletion and insertion curves, faithfulness, ROAD) reads. */
export interface PerturbationMetricOptions {
  target?: Target;
  patchSize?: number;
  seed?: number;
  softmax?: boolean;
}

/**
 * How a perturbation metric starts: {@linkcode metricSetup}, and its shared options with their
 * defaults (`patchSize` 1, `seed` 0, `softmax` false).
 */
export function perturbationMetricSetup(
  metric: string,
  model: ModelLike,
  inputs: unknown,
  attributions: unknown,
  options: PerturbationMetricOptions,
): Required<Omit<PerturbationMetricOptions, "target">> & {
  forward: ForwardFunction;
  target: Target | undefined;
} {
  const { target, patchSize = 1, seed = 0, softmax = false } = options;
  const forward = metricSetup(metric, model, inputs, attributions, target);
  return { forward, target, patchSize, seed, softmax };
}

/**
 * Run `fn`, a target check or selection shared with the explainers, with its errors worded for
 * `metric` ("Cannot compute <metric>: …" rather than "Cannot compute <metric> attributions: …").
 */
export function metricTarget<T>(metric: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Error) {
      error.message = error.message.replace(
        `Cannot compute ${metric} attributions:`,
        `Cannot compute ${metric}:`,
      );
    }
    throw error;
  }
}
