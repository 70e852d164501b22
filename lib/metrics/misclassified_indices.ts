/**
 * Where a classifier is wrong: the positions whose prediction differs from the label.
 *
 * @module
 */
import { checkLabelArrays } from "./accuracy.ts";

/** Options of {@linkcode misclassifiedIndices}. */
export interface MisclassifiedIndicesOptions {
  /**
   * Return at most this many indices (the first ones); `Infinity` for all.
   * @default Infinity
   */
  limit?: number;
}

/**
 * The indices `i` with `yPred[i] !== yTrue[i]`, in increasing order, e.g. to pick the
 * misclassified images of a test set for a closer look.
 *
 * @example
 * ```ts
 * import { misclassifiedIndices } from "../mod.ts";
 * console.log(misclassifiedIndices([0, 1, 2, 2, 1], [0, 2, 2, 0, 0])); // [1, 3, 4]
 * console.log(misclassifiedIndices([0, 1, 2, 2, 1], [0, 2, 2, 0, 0], { limit: 2 })); // [1, 3]
 * ```
 *
 * @throws {TypeError} if the lengths differ. @throws {RangeError} if they are empty or `limit`
 * is not a non-negative integer (or `Infinity`).
 */
export function misclassifiedIndices(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: MisclassifiedIndicesOptions = {},
): number[] {
  const what = "Cannot find the misclassified examples";
  const { limit = Infinity } = options;
  if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    throw new RangeError(
      `${what}: limit must be a non-negative integer or Infinity, received ${limit}. ` +
        "Pass e.g. limit: 16.",
    );
  }
  checkLabelArrays(what, yTrue, yPred);
  const out: number[] = [];
  for (let i = 0; i < yTrue.length && out.length < limit; i++) {
    if (yPred[i] !== yTrue[i]) out.push(i);
  }
  return out;
}
