/**
 * Errors of the robustness tools, reading "Cannot compute <Method> perturbations: <what> must be
 * <expected>, received <value>. <fix>", and the argument checks they share.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { argumentErrors } from "../attr/_utils/errors.ts";
import { checkClassIndices, type ClassIndexWording } from "../attr/_utils/target.ts";
import type { ModelLike } from "../attr/types.ts";

/** Both builders of the robustness tools' argument errors (for checks shared with the explainers). */
const PERTURBATION_ERRORS = argumentErrors("perturbations");

/** The robustness tools' argument errors: "Cannot compute <Method> perturbations: …". */
export const { typeError: perturbationTypeError, rangeError: perturbationRangeError } =
  PERTURBATION_ERRORS;

/** Assert `value` is an integer ≥ `min` (a count: attempts, steps). */
export function assertCount(
  method: string,
  what: string,
  value: unknown,
  min: number,
  fix: string,
): asserts value is number {
  if (typeof value === "number" && Number.isInteger(value) && value >= min) return;
  throw perturbationRangeError(
    method,
    what,
    min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : `an integer ≥ ${min}`,
    value,
    fix,
  );
}

/** Assert `model` is a `tf.LayersModel`, a `tf.GraphModel` or a forward function. */
export function assertModel(method: string, model: unknown): asserts model is ModelLike {
  if (
    model instanceof tf.LayersModel || model instanceof tf.GraphModel ||
    typeof model === "function"
  ) return;
  throw perturbationTypeError(
    method,
    "model",
    "a tf.LayersModel, a tf.GraphModel or a forward function (x: tf.Tensor) => tf.Tensor",
    model,
    "Pass the model itself or a function that runs it.",
  );
}

/** Assert `inputs` is a live float32 tensor with a batch axis. */
export function assertInputs(method: string, inputs: unknown): asserts inputs is tf.Tensor {
  if (!(inputs instanceof tf.Tensor) || inputs.isDisposed || inputs.dtype !== "float32") {
    throw perturbationTypeError(
      method,
      "inputs",
      "a live float32 tensor",
      inputs instanceof tf.Tensor && inputs.isDisposed ? "a disposed tensor" : inputs,
      "Pass a float32 tensor (convert with .toFloat()).",
    );
  }
  if (inputs.rank < 2) {
    throw perturbationTypeError(
      method,
      "inputs",
      "a batch with at least 2 dimensions (axis 0 is the batch)",
      inputs,
      "Add a batch axis with inputs.expandDims(0).",
    );
  }
}

/** Assert `value` is a finite number (`what` names it), positive when `positive`. */
export function assertFiniteNumber(
  method: string,
  what: string,
  value: unknown,
  { positive = false, nonNegative = false } = {},
): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw perturbationTypeError(
      method,
      what,
      "a finite number",
      value,
      `Pass a number for ${what}.`,
    );
  }
  if ((positive && value <= 0) || (nonNegative && value < 0)) {
    const expected = positive ? "a positive number" : "a non-negative number";
    throw perturbationRangeError(method, what, expected, value, `Pass ${expected} for ${what}.`);
  }
}

/** Assert `value` (argument `what`) is an options object; `fix` shows one. */
export function assertOptionsObject(
  method: string,
  what: string,
  value: unknown,
  fix: string,
): asserts value is object {
  if (typeof value !== "object" || value === null) {
    throw perturbationTypeError(method, what, "an options object", value, fix);
  }
}

/** Assert `value` is a boolean or undefined. */
export function assertOptionalBoolean(method: string, what: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw perturbationTypeError(method, what, "a boolean", value, "Pass true or false.");
  }
}

/** How the robustness tools word their target checks. */
const ATTACK_TARGETS: ClassIndexWording = {
  errors: PERTURBATION_ERRORS,
  kinds: "a class index or an array of one class index per example",
  indexFix: "Pass the true class (untargeted) or the class to reach (targeted), e.g. target: 3.",
  lengthReceived: (target) => target,
};

/**
 * The labels for `numExamples` examples: a class index for all of them, or one per example.
 *
 * @throws {TypeError} for anything else; {@link RangeError} for a negative or fractional index or
 *   a wrong length.
 */
export function labelsOf(method: string, target: unknown, numExamples: number): number[] {
  return checkClassIndices(method, target, numExamples, ATTACK_TARGETS);
}

/**
 * Assert `mask` (when given) is a tensor that broadcasts to `inputs`: the inputs' rank, each
 * dimension equal to the inputs' or 1.
 */
export function assertMask(method: string, mask: unknown, inputs: tf.Tensor): void {
  if (mask === undefined) return;
  const fits = mask instanceof tf.Tensor && !mask.isDisposed && mask.rank === inputs.rank &&
    mask.shape.every((d: number, i: number) => d === 1 || d === inputs.shape[i]);
  if (!fits) {
    throw perturbationTypeError(
      method,
      "mask",
      `a tensor of zeros and ones of the inputs' shape [${
        inputs.shape.join(", ")
      }] (or 1 on axes it broadcasts over)`,
      mask,
      "Pass a mask with the inputs' shape; 1 marks the elements to perturb.",
    );
  }
}

/** Assert `lower ≤ upper` (both numbers, infinities allowed). */
export function assertBounds(method: string, lower: unknown, upper: unknown): void {
  for (const [what, v] of [["lowerBound", lower], ["upperBound", upper]] as const) {
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw perturbationTypeError(
        method,
        what,
        "a number (±Infinity for none)",
        v,
        `Pass a number for ${what}.`,
      );
    }
  }
  if ((lower as number) > (upper as number)) {
    throw perturbationRangeError(
      method,
      "lowerBound",
      `at most upperBound (${upper})`,
      lower,
      "Swap the bounds, e.g. { lowerBound: 0, upperBound: 1 }.",
    );
  }
}
