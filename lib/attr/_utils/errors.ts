/**
 * Error construction and argument checks shared by every explainer, so that every message reads
 * "Cannot compute <Method> attributions: <what> must be <expected>, received <value>. <fix>".
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Render a received value briefly for an error message. */
export function describeValue(value: unknown): string {
  if (value instanceof tf.Tensor) {
    return `a ${value.dtype} tensor of shape [${value.shape.join(", ")}]`;
  }
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map((v) => describeValue(v)).join(", ");
    return `[${shown}${value.length > 8 ? `, … (${value.length} items)` : ""}]`;
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The common prefix of every error raised while computing attributions with `method`. */
export function errorPrefix(method: string): string {
  return `Cannot compute ${method} attributions`;
}

/**
 * "Cannot compute M <noun>: what must be expected, received …. fix" — `noun` is "attributions"
 * for the explainers, "perturbations" for the robustness tools.
 */
export function argumentMessage(
  method: string,
  what: string,
  expected: string,
  received: unknown,
  fix: string,
  noun = "attributions",
): string {
  return `Cannot compute ${method} ${noun}: ${what} must be ${expected}, received ${
    describeValue(received)
  }. ${fix}`;
}

/**
 * The argument errors of a family of tools whose messages read "Cannot compute <method> <noun>:
 * <what> must be <expected>, received <value>. <fix>" (see {@linkcode argumentErrors}).
 */
export interface ArgumentErrors {
  /** A `TypeError` for a wrong type or shape of argument `what`. */
  typeError(
    method: string,
    what: string,
    expected: string,
    received: unknown,
    fix: string,
  ): TypeError;
  /** A `RangeError` for an argument `what` whose value is out of range. */
  rangeError(
    method: string,
    what: string,
    expected: string,
    received: unknown,
    fix: string,
  ): RangeError;
}

/** The `TypeError` and `RangeError` builders of the tools that compute `noun`. */
export function argumentErrors(noun: string): ArgumentErrors {
  const build = <E extends Error>(ErrorClass: new (message: string) => E) =>
  (
    method: string,
    what: string,
    expected: string,
    received: unknown,
    fix: string,
  ): E => new ErrorClass(argumentMessage(method, what, expected, received, fix, noun));
  return { typeError: build(TypeError), rangeError: build(RangeError) };
}

/** The explainers' argument errors: "Cannot compute <Method> attributions: …". */
export const { typeError: attributionTypeError, rangeError: attributionRangeError } =
  argumentErrors("attributions");

/** Builds the error for argument `what` of `method` (an {@linkcode ArgumentErrors} builder). */
export type ArgumentErrorBuilder = (
  method: string,
  what: string,
  expected: string,
  received: unknown,
  fix: string,
) => Error;

/**
 * A check of a tensor argument against the inputs it goes with (baselines, a feature mask,
 * attributions): it throws, naming `what`, unless `value` is a tensor whose shape fits.
 */
export type TensorArgumentCheck = (
  method: string,
  inputs: tf.Tensor,
  value: unknown,
  what?: string,
) => asserts value is tf.Tensor;

/** What a {@linkcode TensorArgumentCheck} requires of a tensor argument, given the inputs. */
export interface TensorArgumentRule {
  /** What the argument must be, for the message. */
  expected: string;
  /** Whether a tensor of `shape` fits the inputs. */
  fits(shape: readonly number[]): boolean;
  /** The fix when the value is not a tensor (or a disposed one, with `live`). */
  fix: string;
  /** The fix when the tensor's shape does not fit. @default fix */
  shapeFix?: string;
  /** Whether a disposed tensor is refused. @default false */
  live?: boolean;
}

/**
 * The {@linkcode TensorArgumentCheck} of the `rule` (made from the inputs) for the argument named
 * `defaultWhat`, throwing what `error` builds.
 */
export function tensorArgumentCheck(
  error: ArgumentErrorBuilder,
  defaultWhat: string,
  rule: (inputs: tf.Tensor) => TensorArgumentRule,
): TensorArgumentCheck {
  return (method, inputs, value, what = defaultWhat) => {
    const { expected, fits, fix, shapeFix = fix, live = false } = rule(inputs);
    const tensor = value instanceof tf.Tensor && !(live && value.isDisposed);
    if (tensor && fits(value.shape)) return;
    throw error(method, what, expected, value, tensor ? shapeFix : fix);
  };
}

/** Assert `value` is a `tf.Tensor`. */
export function assertTensor(
  method: string,
  what: string,
  value: unknown,
): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    throw attributionTypeError(
      method,
      what,
      "a tf.Tensor",
      value,
      `Wrap the data with tf.tensor(...) first.`,
    );
  }
}

/**
 * Assert `inputs` is a float32 tensor with a batch axis (rank ≥ 2) that has not been disposed.
 */
export function assertFloatInputs(
  method: string,
  inputs: unknown,
  what = "inputs",
): asserts inputs is tf.Tensor {
  assertTensor(method, what, inputs);
  if (inputs.isDisposed) {
    throw attributionTypeError(
      method,
      what,
      "a live tensor",
      "a disposed tensor",
      "Pass a tensor that has not been disposed.",
    );
  }
  if (inputs.dtype !== "float32") {
    throw attributionTypeError(
      method,
      what,
      "a float32 tensor (gradients are only defined for floats)",
      inputs,
      `Convert it with ${what}.toFloat() (and scale images to [0, 1]).`,
    );
  }
  if (inputs.rank < 2) {
    throw attributionTypeError(
      method,
      what,
      "a batch with at least 2 dimensions (axis 0 is the batch, e.g. NHWC [N, 28, 28, 1])",
      inputs,
      `Add a batch axis with ${what}.expandDims(0).`,
    );
  }
}

/** Assert `value` is an integer ≥ `min` (default 1). */
export function assertInteger(
  method: string,
  what: string,
  value: unknown,
  min = 1,
): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw attributionRangeError(
      method,
      what,
      min === 1 ? "a positive integer" : `an integer >= ${min}`,
      value,
      `Pass ${what} >= ${min}.`,
    );
  }
}

/** Assert `value` is a finite number ≥ `min`. */
export function assertNumber(
  method: string,
  what: string,
  value: unknown,
  min = -Infinity,
): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw attributionRangeError(
      method,
      what,
      min === -Infinity ? "a finite number" : `a finite number >= ${min}`,
      value,
      `Pass a number${min === -Infinity ? "" : ` >= ${min}`} for ${what}.`,
    );
  }
}

/** Assert `value` is one of `allowed`. */
export function assertOneOf<T extends string>(
  method: string,
  what: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw attributionRangeError(
      method,
      what,
      `one of ${allowed.map((a) => `"${a}"`).join(", ")}`,
      value,
      `Pick one of the listed values.`,
    );
  }
}
