/**
 * Choosing the output to explain (`target`), as Captum does, without kernels the wasm backend lacks:
 * a class index is selected by multiplying with a one-hot mask built on the host.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, Target } from "../types.ts";
import {
  type ArgumentErrors,
  argumentErrors,
  attributionRangeError,
  attributionTypeError,
} from "./errors.ts";

/**
 * How a family of tools words its check of class-index targets ({@linkcode checkClassIndices}):
 * the errors it throws and what differs in their messages.
 */
export interface ClassIndexWording {
  /** The family's argument errors. */
  errors: ArgumentErrors;
  /** What a target may be, for a value of another type. */
  kinds: string;
  /** The fix for a single class index that is not a non-negative integer. */
  indexFix: string;
  /** How an array of the wrong length is shown as the received value. */
  lengthReceived(target: readonly unknown[]): unknown;
}

/**
 * The class indices `target` gives `numExamples` examples: a non-negative integer for all of them,
 * or an array of one per example (a copy).
 *
 * @throws {TypeError} for anything else; {@link RangeError} for a negative or fractional index or
 *   a wrong length.
 */
export function checkClassIndices(
  method: string,
  target: unknown,
  numExamples: number,
  wording: ClassIndexWording,
): number[] {
  const { errors } = wording;
  if (typeof target === "number") {
    if (!Number.isInteger(target) || target < 0) {
      throw errors.rangeError(
        method,
        "target",
        "a non-negative integer class index",
        target,
        wording.indexFix,
      );
    }
    return new Array(numExamples).fill(target);
  }
  if (!Array.isArray(target)) {
    throw errors.typeError(
      method,
      "target",
      wording.kinds,
      target,
      "Pass e.g. target: 3 or target: [3, 7] (one per example).",
    );
  }
  if (target.length !== numExamples) {
    throw errors.rangeError(
      method,
      "target",
      `an array of one class index per example (length ${numExamples})`,
      wording.lengthReceived(target),
      `Pass ${numExamples} indices, or a single index for all examples.`,
    );
  }
  const bad = target.findIndex((t) => !Number.isInteger(t) || t < 0);
  if (bad >= 0) {
    throw errors.rangeError(
      method,
      `target[${bad}]`,
      "a non-negative integer class index",
      target[bad],
      "Pass integer class indices.",
    );
  }
  return [...target];
}

/** How the explainers word their target checks. */
const EXPLAINER_TARGETS: ClassIndexWording = {
  errors: argumentErrors("attributions"),
  kinds: "a class index, an array of one class index per example, or a function of the output",
  indexFix: "Pass the index of the class to explain, e.g. target: 3.",
  lengthReceived: (target) => `an array of length ${target.length}`,
};

/**
 * Check `target` against the number of examples, before any computation.
 * The upper bound of a class index is checked when the output's width is known
 * ({@linkcode selectTarget}).
 */
export function validateTarget(
  method: string,
  target: Target | undefined,
  numExamples: number,
): void {
  if (target === undefined || typeof target === "function") return;
  checkClassIndices(method, target, numExamples, EXPLAINER_TARGETS);
}

/**
 * A target that also records which example each row of a batch comes from, so that the
 * `additionalForwardArgs` of a call can be expanded exactly as the batch was (Captum expands them
 * as it expands the target). Made once per call by the multi-input core (`multi_input.ts`), it
 * flows through the same expansions as an index target ({@linkcode expandTarget},
 * {@linkcode sliceTarget}, `repeatTarget`); {@linkcode runForward} hands its rows to the call's
 * forward function, and {@linkcode selectTarget} reads the user's target through it.
 */
export class RowTarget {
  /**
   * @param target the user's target, for the examples (not expanded).
   * @param rows the example of every row of the batch.
   */
  constructor(readonly target: Target | undefined, readonly rows: Int32Array) {}

  /** The user's target for this batch's rows (an index array expanded as the rows). */
  resolve(): Target | undefined {
    const t = this.target;
    if (t === undefined || typeof t === "number" || typeof t === "function") return t;
    return Array.from(this.rows, (r) => t[r]);
  }

  /** The same target for other rows. */
  withRows(rows: Int32Array): RowTarget {
    return new RowTarget(this.target, rows);
  }
}

/** A target as the methods' bodies pass it on: the user's, or one that knows its rows. */
export type CallTarget = Target | RowTarget;

/** The user's target for the rows `target` stands for. */
export function resolveTarget(target: CallTarget | undefined): Target | undefined {
  return target instanceof RowTarget ? target.resolve() : target;
}

/**
 * `forward(x)`, handing a {@linkcode RowTarget}'s rows to the forward function of the call that
 * made it (which expands its extra arguments to them).
 */
export function runForward(
  forward: ForwardFunction,
  x: tf.Tensor,
  target: CallTarget | undefined,
): tf.Tensor {
  if (target instanceof RowTarget) {
    return (forward as (x: tf.Tensor, rows: Int32Array) => tf.Tensor)(x, target.rows);
  }
  return forward(x);
}

/** The target of rows picked from a batch: `pick(rows)` for a {@linkcode RowTarget}. */
function mapRows<T extends CallTarget | undefined>(
  target: T,
  pickIndices: (values: readonly number[]) => number[],
): T | number[] {
  if (target instanceof RowTarget) {
    return target.withRows(Int32Array.from(pickIndices(Array.from(target.rows)))) as T;
  }
  if (target === undefined || typeof target === "number" || typeof target === "function") {
    return target;
  }
  return pickIndices(target as readonly number[]);
}

/**
 * The target for a batch made of `repeats` copies of the original batch, stacked copy after copy
 * (Captum's step-major expansion): an index array is tiled, anything else is unchanged.
 */
export function expandTarget<T extends CallTarget | undefined>(
  target: T,
  repeats: number,
): T | number[] {
  return mapRows(target, (values) => {
    const tiled: number[] = [];
    for (let r = 0; r < repeats; r++) tiled.push(...values);
    return tiled;
  });
}

/**
 * The target for a batch expanded example by example, each example `k` times in a row (Captum's
 * `repeat_interleave`): index arrays repeated.
 */
export function repeatTarget<T extends CallTarget | undefined>(target: T, k: number): T | number[] {
  return mapRows(target, (values) => {
    const out: number[] = [];
    for (const t of values) for (let r = 0; r < k; r++) out.push(t);
    return out;
  });
}

/**
 * The target for rows `[start, start + size)` of a batch (an index array is sliced).
 */
export function sliceTarget<T extends CallTarget | undefined>(
  target: T,
  start: number,
  size: number,
): T | number[] {
  return mapRows(target, (values) => values.slice(start, start + size));
}

/** The target for `count` rows that all come from example `e`. */
export function exampleTarget<T extends CallTarget | undefined>(
  target: T,
  e: number,
  count: number,
): T | number[] {
  return mapRows(target, (values) => new Array<number>(count).fill(values[e]));
}

/**
 * The value explained for each example: `output[i, target[i]]` as a `[N]` tensor.
 *
 * @throws {TypeError} when the output has no class axis and no function target is given.
 * @throws {RangeError} when a class index is not below the output's width.
 */
export function selectTarget(
  method: string,
  output: tf.Tensor,
  callTarget: CallTarget | undefined,
): tf.Tensor1D {
  const n = output.shape[0];
  const target = resolveTarget(callTarget);
  if (typeof target === "function") {
    return onePerExample(
      method,
      "target",
      target(output),
      n,
      "Return e.g. output.slice([0, k], [-1, 1]).reshape([-1]).",
    );
  }
  if (target === undefined) {
    if (output.size !== n) {
      throw attributionTypeError(
        method,
        "target",
        `given for a model output of shape [${output.shape.join(", ")}]`,
        undefined,
        "Pass the class to explain, e.g. target: 3, or one index per example.",
      );
    }
    return output.reshape([n]) as tf.Tensor1D;
  }
  return tf.tidy(() => output.mul(targetMask(method, output, target)).sum(1) as tf.Tensor1D);
}

/**
 * What a user's function (`target`, `neuronSelector`) returned, as one value per example `[n]`.
 *
 * @throws {TypeError} naming `argument` and the `fix` when it is not a tensor of `n` values.
 */
export function onePerExample(
  method: string,
  argument: string,
  returned: unknown,
  n: number,
  fix: string,
): tf.Tensor1D {
  if (!(returned instanceof tf.Tensor) || returned.size !== n) {
    throw attributionTypeError(
      method,
      argument,
      `a function returning one value per example (a tensor of shape [${n}])`,
      returned,
      fix,
    );
  }
  return returned.reshape([n]) as tf.Tensor1D;
}

/**
 * The one-hot mask `[N, numClasses]` of class-index targets (`mask[i, target[i]] = 1`): the
 * gradient of `Σᵢ output[i, target[i]]` with respect to `output`. The caller disposes it.
 *
 * @throws {TypeError} when the output is not 2-D.
 * @throws {RangeError} when a class index is not below the output's width.
 */
export function targetMask(
  method: string,
  output: tf.Tensor,
  target: number | readonly number[],
): tf.Tensor2D {
  if (output.rank !== 2) {
    throw attributionTypeError(
      method,
      "model output",
      "2-D [N, numClasses] to select a class index with target",
      output,
      "Make the model return [N, numClasses], or pass target as a function of the output.",
    );
  }
  return classMask(method, output.shape as [number, number], target);
}

/**
 * {@linkcode targetMask} for a 2-D output of shape `[n, numClasses]`, known before the output is
 * computed.
 *
 * @throws {RangeError} when a class index is not below `numClasses`, or an array of indices does
 *   not have `n` entries.
 */
export function classMask(
  method: string,
  [n, numClasses]: readonly [number, number],
  target: number | readonly number[],
): tf.Tensor2D {
  const indices = typeof target === "number" ? new Array<number>(n).fill(target) : target;
  if (indices.length !== n) {
    throw attributionRangeError(
      method,
      "target",
      `one class index per example (length ${n})`,
      `an array of length ${indices.length}`,
      `Pass ${n} indices, or a single index for all examples.`,
    );
  }
  const mask = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const t = indices[i];
    if (t >= numClasses) {
      throw attributionRangeError(
        method,
        typeof target === "number" ? "target" : `target[${i}]`,
        `a class index below the model's ${numClasses} outputs`,
        t,
        `Pass an index in [0, ${numClasses - 1}].`,
      );
    }
    mask[i * numClasses + t] = 1;
  }
  return tf.tensor2d(mask, [n, numClasses]);
}
