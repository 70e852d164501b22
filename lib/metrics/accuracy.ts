/**
 * Classification accuracy.
 *
 * @module
 */

/** Check that two label arrays have the same, non-zero length. @internal */
export function checkLabelArrays(
  what: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): void {
  if (yTrue.length !== yPred.length) {
    throw new TypeError(
      `${what}: yTrue and yPred must have the same length, received ${yTrue.length} and ${yPred.length}. Pass one prediction per label.`,
    );
  }
  if (yTrue.length === 0) {
    throw new RangeError(`${what}: yTrue and yPred are empty. Pass at least one label.`);
  }
}

/**
 * Fraction of positions where `yPred` equals `yTrue`.
 *
 * @example
 * ```ts
 * import { accuracy } from "../mod.ts";
 * console.log(accuracy([0, 1, 2, 2], [0, 1, 1, 2])); // 0.75
 * ```
 *
 * @throws {TypeError} if the lengths differ. @throws {RangeError} if they are empty.
 */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLabelArrays("Cannot compute accuracy", yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}
