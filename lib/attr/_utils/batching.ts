/**
 * Splitting an expanded batch (examples × steps) into chunks of at most `internalBatchSize` rows, as
 * Captum's `internal_batch_size`. Without `internalBatchSize`, a chunk holds as many rows as fit the
 * memory budget (see `memory_budget.ts`); either way a chunk that would not fit the wasm heap is
 * refused with a `RangeError` before anything is allocated.
 *
 * @module
 */
import { assertInteger } from "./errors.ts";
import { assertChunkFits, budgetRows, type RowCost } from "./memory_budget.ts";

/**
 * Consecutive ranges of steps `[start, end)` such that each chunk holds at most
 * `max(1, floor(internalBatchSize / numExamples))` steps. When `internalBatchSize` is undefined it
 * defaults to the rows that fit the memory budget at `cost` ({@linkcode budgetRows}; all steps at
 * once without `cost`).
 *
 * @throws {RangeError} for a non-integer `internalBatchSize` < 1, or a chunk that does not fit.
 */
export function stepChunks(
  method: string,
  nSteps: number,
  numExamples: number,
  internalBatchSize: number | undefined,
  cost?: RowCost,
): Array<[number, number]> {
  return unitChunks(method, nSteps, numExamples, internalBatchSize, cost);
}

/**
 * Consecutive row ranges `[start, end)` of at most `internalBatchSize` rows out of `numRows`. When
 * `internalBatchSize` is undefined it defaults to the rows that fit the memory budget at `cost`
 * (one range without `cost`). For methods that evaluate many expanded rows (GradientShap,
 * DeepLiftShap).
 *
 * @throws {RangeError} for a non-integer `internalBatchSize` < 1, or a chunk that does not fit.
 */
export function rowChunks(
  method: string,
  numRows: number,
  internalBatchSize: number | undefined,
  cost?: RowCost,
): Array<[number, number]> {
  return unitChunks(method, numRows, 1, internalBatchSize, cost);
}

/**
 * Consecutive ranges `[start, end)` of `numUnits` units of `rowsPerUnit` rows each (steps of a
 * batch, or single rows), each range holding at most `max(1, floor(rows / rowsPerUnit))` units,
 * where `rows` is `internalBatchSize`, else the rows that fit the memory budget at `cost`; all
 * units in one range without either.
 */
function unitChunks(
  method: string,
  numUnits: number,
  rowsPerUnit: number,
  internalBatchSize: number | undefined,
  cost: RowCost | undefined,
): Array<[number, number]> {
  if (internalBatchSize !== undefined) {
    assertInteger(method, "internalBatchSize", internalBatchSize);
  }
  const rows = internalBatchSize ?? (cost ? budgetRows(cost) : undefined);
  const perChunk = rows === undefined ? numUnits : Math.max(1, Math.floor(rows / rowsPerUnit));
  if (cost) {
    assertChunkFits(method, cost, {
      option: "internalBatchSize",
      received: internalBatchSize,
      rows: Math.min(perChunk, numUnits) * rowsPerUnit,
      rowsPerUnit,
    });
  }
  return ranges(numUnits, perChunk);
}

/** `[start, end)` ranges of `size` consecutive indices (the last one shorter) covering `0..total-1`. */
export function ranges(total: number, size: number): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  for (let start = 0; start < total; start += size) {
    chunks.push([start, Math.min(total, start + size)]);
  }
  return chunks;
}
