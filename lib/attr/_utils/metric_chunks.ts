/**
 * How the perturbation metrics (infidelity, sensitivityMax) batch their perturbations: each
 * example is repeated k times in a row (Captum's `repeat_interleave`), at most
 * `maxExamplesPerBatch` rows per chunk.
 *
 * @module
 */
import { assertMetricInteger } from "./metric_errors.ts";
import { assertChunkFits, budgetRows, type RowCost } from "./memory_budget.ts";

/**
 * The number of perturbations per example in each chunk, in order (they sum to
 * `nPerturbSamples`), after validating `nPerturbSamples` and `maxExamplesPerBatch` (RangeError).
 * Each chunk holds `max(1, floor(maxExamplesPerBatch / numExamples))`; without
 * `maxExamplesPerBatch`, the rows that fit the memory budget at `cost` (see `memory_budget.ts`), or
 * all perturbations at once without `cost`. With `cost`, a chunk that would not fit the wasm heap
 * is refused with a `RangeError` naming `maxExamplesPerBatch`.
 */
export function perturbationChunks(
  metric: string,
  nPerturbSamples: number,
  maxExamplesPerBatch: number | undefined,
  numExamples: number,
  cost?: RowCost,
): number[] {
  assertMetricInteger(metric, "nPerturbSamples", nPerturbSamples);
  if (maxExamplesPerBatch !== undefined) {
    assertMetricInteger(metric, "maxExamplesPerBatch", maxExamplesPerBatch);
  }
  const rows = maxExamplesPerBatch ?? (cost ? budgetRows(cost) : undefined);
  const perChunk = rows === undefined
    ? nPerturbSamples
    : Math.min(Math.max(Math.floor(rows / numExamples), 1), nPerturbSamples);
  if (cost) {
    assertChunkFits(metric, cost, {
      option: "maxExamplesPerBatch",
      received: maxExamplesPerBatch,
      rows: perChunk * numExamples,
      rowsPerUnit: numExamples,
      prefix: `Cannot compute ${metric}`,
    });
  }
  const chunks: number[] = [];
  for (let done = 0; done < nPerturbSamples; done += perChunk) {
    chunks.push(Math.min(perChunk, nPerturbSamples - done));
  }
  return chunks;
}
