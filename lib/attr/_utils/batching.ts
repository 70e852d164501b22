/**
 * Splitting an expanded batch (examples × steps) into chunks of at most `internalBatchSize` rows, as
 * Captum's `internal_batch_size`.
 *
 * @module
 */
import { assertInteger } from "./errors.ts";

/**
 * Consecutive ranges of steps `[start, end)` such that each chunk holds at most
 * `max(1, floor(internalBatchSize / numExamples))` steps (all steps at once when
 * `internalBatchSize` is undefined).
 */
export function stepChunks(
  method: string,
  nSteps: number,
  numExamples: number,
  internalBatchSize: number | undefined,
): Array<[number, number]> {
  if (internalBatchSize !== undefined) {
    assertInteger(method, "internalBatchSize", internalBatchSize);
  }
  const perChunk = internalBatchSize === undefined
    ? nSteps
    : Math.max(1, Math.floor(internalBatchSize / numExamples));
  return ranges(nSteps, perChunk);
}

/**
 * Consecutive row ranges `[start, end)` of at most `internalBatchSize` rows out of `numRows`
 * (one range when `internalBatchSize` is undefined). For perturbation methods that evaluate many
 * perturbed copies.
 */
export function rowChunks(
  method: string,
  numRows: number,
  internalBatchSize: number | undefined,
): Array<[number, number]> {
  if (internalBatchSize !== undefined) {
    assertInteger(method, "internalBatchSize", internalBatchSize);
  }
  return ranges(numRows, internalBatchSize ?? numRows);
}

/** `[start, end)` ranges of `size` consecutive indices (the last one shorter) covering `0..total-1`. */
function ranges(total: number, size: number): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  for (let start = 0; start < total; start += size) {
    chunks.push([start, Math.min(total, start + size)]);
  }
  return chunks;
}
