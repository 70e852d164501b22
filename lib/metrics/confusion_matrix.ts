/**
 * Confusion matrix: counts and row-normalized rates.
 *
 * @module
 */
import { checkLabelArrays } from "./accuracy.ts";

/** A confusion matrix; row = true class, column = predicted class. */
export interface ConfusionMatrix {
  /** Number of classes (rows and columns). */
  numClasses: number;
  /** `counts[i][j]`: examples of true class `i` predicted as class `j`. */
  counts: number[][];
  /**
   * `counts[i][j] / sum_j counts[i][j]`: each row sums to 1 (the recall of class `i` is on the
   * diagonal); a class without examples has a row of zeros.
   */
  normalized: number[][];
}

/**
 * Count how often each true class (row) is predicted as each class (column).
 *
 * @example
 * ```ts
 * import { confusionMatrix } from "../mod.ts";
 * const { counts, normalized } = confusionMatrix([0, 0, 1, 2], [0, 1, 1, 2], 3);
 * console.log(counts); // [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
 * console.log(normalized[0]); // [0.5, 0.5, 0]
 * ```
 *
 * @throws {TypeError} if the lengths differ. @throws {RangeError} if a label is not an integer in
 * `[0, numClasses)` or `numClasses` is not a positive integer.
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
): ConfusionMatrix {
  const what = "Cannot compute the confusion matrix";
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(
      `${what}: numClasses must be a positive integer, received ${numClasses}. Pass e.g. 10.`,
    );
  }
  checkLabelArrays(what, yTrue, yPred);
  const counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    for (const [name, v] of [["yTrue", t], ["yPred", p]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
        throw new RangeError(
          `${what}: ${name}[${i}] must be an integer in [0, ${numClasses}), received ${v}. Pass class indices below numClasses.`,
        );
      }
    }
    counts[t][p]++;
  }
  const normalized = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (total === 0 ? 0 : c / total));
  });
  return { numClasses, counts, normalized };
}
