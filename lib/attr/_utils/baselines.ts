/**
 * Baselines (reference inputs) as Captum accepts them: a scalar, a tensor of the inputs' shape, or a
 * tensor with batch size 1 broadcast over the batch, or (perturbation methods) a function of the
 * inputs returning one of these. Default 0.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Baseline, BaselineFunction } from "../types.ts";
import { attributionTypeError, type TensorArgumentCheck, tensorArgumentCheck } from "./errors.ts";

/**
 * A new tensor of `inputs`' shape holding the baselines; the caller disposes it. A
 * {@linkcode BaselineFunction} is called once with the inputs (inside a `tf.tidy`, so the tensors
 * it creates are disposed) and its result resolved as a baseline.
 *
 * @throws {TypeError} when `baselines` (or what its function returns) is neither a finite number
 *   nor a tensor that broadcasts.
 */
export function resolveBaselines(
  method: string,
  inputs: tf.Tensor,
  baselines: Baseline | BaselineFunction | undefined,
  what = "baselines",
): tf.Tensor {
  if (baselines === undefined) return tf.zerosLike(inputs);
  if (typeof baselines === "function") {
    return tf.tidy(() =>
      resolveBaselines(method, inputs, baselines(inputs), `the value the ${what} function returned`)
    );
  }
  if (typeof baselines === "number") {
    if (!Number.isFinite(baselines)) {
      throw attributionTypeError(
        method,
        what,
        "a finite number or a tensor",
        baselines,
        "Pass e.g. 0.",
      );
    }
    return tf.fill(inputs.shape, baselines, "float32");
  }
  assertBroadcastableBaselines(method, inputs, baselines, what);
  return tf.tidy(() => tf.broadcastTo(baselines.toFloat(), inputs.shape));
}

/** Check that a baseline tensor has the inputs' shape, or the inputs' shape with batch size 1. */
export const assertBroadcastableBaselines: TensorArgumentCheck = tensorArgumentCheck(
  attributionTypeError,
  "baselines",
  (inputs) => ({
    expected: `a number, a tensor of the inputs' shape [${inputs.shape.join(", ")}], or one with ` +
      `batch size 1 [1, ${inputs.shape.slice(1).join(", ")}]`,
    fits: (shape) =>
      shape.length === inputs.rank &&
      shape.every((d, i) => d === inputs.shape[i] || (i === 0 && d === 1)),
    fix: "Pass e.g. 0 or tf.zerosLike(inputs).",
    shapeFix: "Give the baselines the inputs' shape (or batch size 1 to share one baseline).",
  }),
);

/**
 * Check a baseline *distribution* (GradientShap, DeepLiftShap): a tensor whose rows have the shape
 * of one input example, `[B, ...inputs.shape.slice(1)]` with B ≥ 1.
 */
export const assertBaselineDistribution: TensorArgumentCheck = tensorArgumentCheck(
  attributionTypeError,
  "baselines",
  (inputs) => {
    const rowShape = inputs.shape.slice(1);
    return {
      expected: `a tensor of baseline rows [B, ${rowShape.join(", ")}] (B >= 1)`,
      fits: (shape) =>
        shape.length === inputs.rank && shape.slice(1).every((d, i) => d === rowShape[i]) &&
        shape[0] >= 1,
      fix: "Pass a batch of reference inputs, e.g. tf.zeros([1, ...]) or a few training images.",
    };
  },
);
