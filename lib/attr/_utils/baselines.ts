/**
 * Baselines (reference inputs) as Captum accepts them: a scalar, a tensor of the inputs' shape, or a
 * tensor with batch size 1 broadcast over the batch, or (perturbation methods) a function of the
 * inputs returning one of these. Default 0.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Baseline, BaselineFunction } from "../types.ts";
import { attributionTypeError } from "./errors.ts";

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

/**
 * Check that a baseline tensor has the inputs' shape, or the inputs' shape with batch size 1.
 */
export function assertBroadcastableBaselines(
  method: string,
  inputs: tf.Tensor,
  baselines: unknown,
  what = "baselines",
): asserts baselines is tf.Tensor {
  const expected =
    `a number, a tensor of the inputs' shape [${inputs.shape.join(", ")}], or one with ` +
    `batch size 1 [1, ${inputs.shape.slice(1).join(", ")}]`;
  if (!(baselines instanceof tf.Tensor)) {
    throw attributionTypeError(
      method,
      what,
      expected,
      baselines,
      "Pass e.g. 0 or tf.zerosLike(inputs).",
    );
  }
  const same = baselines.rank === inputs.rank &&
    (baselines.shape as number[]).every((d, i) => d === inputs.shape[i] || (i === 0 && d === 1));
  if (!same) {
    throw attributionTypeError(
      method,
      what,
      expected,
      baselines,
      "Give the baselines the inputs' shape (or batch size 1 to share one baseline).",
    );
  }
}

/**
 * Check a baseline *distribution* (GradientShap, DeepLiftShap): a tensor whose rows have the shape
 * of one input example, `[B, ...inputs.shape.slice(1)]` with B ≥ 1.
 */
export function assertBaselineDistribution(
  method: string,
  inputs: tf.Tensor,
  baselines: unknown,
  what = "baselines",
): asserts baselines is tf.Tensor {
  const rowShape = inputs.shape.slice(1);
  const ok = baselines instanceof tf.Tensor && baselines.rank === inputs.rank &&
    (baselines.shape as number[]).slice(1).every((d, i) => d === rowShape[i]) &&
    baselines.shape[0] >= 1;
  if (!ok) {
    throw attributionTypeError(
      method,
      what,
      `a tensor of baseline rows [B, ${rowShape.join(", ")}] (B >= 1)`,
      baselines,
      "Pass a batch of reference inputs, e.g. tf.zeros([1, ...]) or a few training images.",
    );
  }
}
