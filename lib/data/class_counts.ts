/**
 * How many examples of each class a set of labels holds.
 *
 * @module
 */

/**
 * Count the labels of each class: `counts[c]` is the number of entries of `labels` equal to `c`.
 * Classes without examples count 0.
 *
 * @example
 * ```ts
 * import { classCounts } from "../mod.ts";
 * console.log(classCounts([0, 2, 2, 1, 2], 4)); // [1, 1, 3, 0]
 * ```
 *
 * @param labels Class indices, e.g. a split's `labels` (`Uint8Array`) or a plain array.
 * @param numClasses Number of classes (the length of the result).
 * @returns One count per class, indexed by class.
 * @throws {RangeError} if `numClasses` is not a positive integer or a label is not an integer in
 * `[0, numClasses)`.
 */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const what = "Cannot count the labels per class";
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(
      `${what}: numClasses must be a positive integer, received ${numClasses}. Pass e.g. 10.`,
    );
  }
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number") {
    throw new TypeError(
      `${what}: labels must be an array of class indices, received ${String(labels)}. ` +
        "Pass e.g. split.labels or [0, 1, 1].",
    );
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new RangeError(
        `${what}: labels[${i}] must be an integer in [0, ${numClasses}), received ${label}. ` +
          "Pass class indices below numClasses (or raise numClasses).",
      );
    }
    counts[label]++;
  }
  return counts;
}
