/**
 * The class pairs a classifier confuses most: the largest off-diagonal cells of a confusion
 * matrix.
 *
 * @module
 */
import type { ConfusionMatrix } from "./confusion_matrix.ts";

/** One off-diagonal cell of a confusion matrix. */
export interface ConfusedPair {
  /** The true class (row). */
  trueClass: number;
  /** The class it was predicted as (column), never equal to `trueClass`. */
  predictedClass: number;
  /** How many examples of `trueClass` were predicted as `predictedClass`. */
  count: number;
  /** `count` divided by the number of examples of `trueClass` (the row total). */
  rate: number;
  /** `classNames[trueClass]`, when `classNames` was given. */
  trueName?: string;
  /** `classNames[predictedClass]`, when `classNames` was given. */
  predictedName?: string;
}

/** Options of {@linkcode mostConfusedPairs}. */
export interface MostConfusedPairsOptions {
  /**
   * How many pairs to return at most (`Infinity` for all non-zero off-diagonal cells).
   * @default 10
   */
  k?: number;
  /**
   * Class names indexed by class; when given, each pair carries `trueName` and `predictedName`.
   * @default undefined
   */
  classNames?: readonly string[];
}

/**
 * The `k` largest off-diagonal cells of a confusion matrix (row = true class, column = predicted
 * class), largest count first; ties go to the smaller true class, then the smaller predicted
 * class. Cells with a zero count are left out, so fewer than `k` pairs may come back.
 *
 * @example
 * ```ts
 * import { confusionMatrix, mostConfusedPairs } from "../mod.ts";
 * const matrix = confusionMatrix([0, 0, 0, 1, 1, 2], [0, 1, 1, 0, 1, 2], 3);
 * console.log(mostConfusedPairs(matrix, { k: 2, classNames: ["a", "b", "c"] }));
 * // [{ trueClass: 0, predictedClass: 1, count: 2, rate: 0.666…, trueName: "a", predictedName: "b" },
 * //  { trueClass: 1, predictedClass: 0, count: 1, rate: 0.5, trueName: "b", predictedName: "a" }]
 * ```
 *
 * @param confusion The result of `confusionMatrix()`, or a square matrix of counts.
 * @throws {TypeError} if the matrix is not square or `classNames` has the wrong length.
 * @throws {RangeError} if a count is negative or not finite, or `k` is not a positive integer
 * (or `Infinity`).
 */
export function mostConfusedPairs(
  confusion: ConfusionMatrix | readonly (readonly number[])[],
  options: MostConfusedPairsOptions = {},
): ConfusedPair[] {
  const what = "Cannot find the most confused class pairs";
  const { k = 10, classNames } = options;
  if (!(k === Infinity || (Number.isInteger(k) && k >= 1))) {
    throw new RangeError(
      `${what}: k must be a positive integer or Infinity, received ${k}. Pass e.g. k: 8.`,
    );
  }
  const counts = Array.isArray(confusion)
    ? confusion as readonly (readonly number[])[]
    : (confusion as ConfusionMatrix)?.counts;
  const n = Array.isArray(counts) ? counts.length : -1;
  if (n < 1 || !counts.every((row) => Array.isArray(row) && row.length === n)) {
    const received = describeMatrix(counts);
    throw new TypeError(
      `${what}: confusion must be a confusionMatrix() result or a non-empty square matrix of ` +
        `counts, received ${received}. Pass confusionMatrix(yTrue, yPred, numClasses).`,
    );
  }
  if (classNames !== undefined && classNames.length !== n) {
    throw new TypeError(
      `${what}: classNames must name all ${n} classes, received ${classNames.length} names. ` +
        "Pass one name per row of the matrix.",
    );
  }
  const pairs: ConfusedPair[] = [];
  for (let t = 0; t < n; t++) {
    let total = 0;
    for (let p = 0; p < n; p++) {
      const c = counts[t][p];
      if (!Number.isFinite(c) || c < 0) {
        throw new RangeError(
          `${what}: confusion[${t}][${p}] must be a non-negative count, received ${c}. ` +
            "Pass the counts, not a normalized or signed matrix.",
        );
      }
      total += c;
    }
    for (let p = 0; p < n; p++) {
      const count = counts[t][p];
      if (p === t || count === 0) continue;
      const pair: ConfusedPair = { trueClass: t, predictedClass: p, count, rate: count / total };
      if (classNames !== undefined) {
        pair.trueName = classNames[t];
        pair.predictedName = classNames[p];
      }
      pairs.push(pair);
    }
  }
  // Row-major collection order already breaks ties by (trueClass, predictedClass); sort is stable.
  pairs.sort((a, b) => b.count - a.count);
  return pairs.slice(0, k);
}

function describeMatrix(value: unknown): string {
  if (!Array.isArray(value)) return value === undefined ? "undefined" : typeof value;
  const lengths = value.map((row) => (Array.isArray(row) ? row.length : typeof row));
  return `${value.length} rows of lengths [${lengths.slice(0, 10).join(", ")}${
    lengths.length > 10 ? ", …" : ""
  }]`;
}
