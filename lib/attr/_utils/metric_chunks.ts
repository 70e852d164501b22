/**
 * How the perturbation metrics (infidelity, sensitivityMax) batch their perturbations: each
 * example is repeated k times in a row (Captum's `repeat_interleave`), at most
 * `maxExamplesPerBatch` rows per chunk.
 *
 * @module
 */
import { assertMetricInteger } from "./metric_errors.ts";

/**
 * The number of perturbations per example in each chunk, in order (they sum to
 * `nPerturbSamples`), after validating `nPerturbSamples` and `maxExamplesPerBatch` (RangeError).
 * Without `maxExamplesPerBatch` one chunk holds them all; else each holds
 * `max(1, floor(maxExamplesPerBatch / numExamples))`.
 */
export function perturbationChunks(
  metric: string,
  nPerturbSamples: number,
  maxExamplesPerBatch: number | undefined,
  numExamples: number,
): number[] {
  assertMetricInteger(metric, "nPerturbSamples", nPerturbSamples);
  if (maxExamplesPerBatch !== undefined) {
    assertMetricInteger(metric, "maxExamplesPerBatch", maxExamplesPerBatch);
  }
  const perChunk = maxExamplesPerBatch === undefined
    ? nPerturbSamples
    : Math.min(Math.max(Math.floor(maxExamplesPerBatch / numExamples), 1), nPerturbSamples);
  const chunks: number[] = [];
  for (let done = 0; done < nPerturbSamples; done += perChunk) {
    chunks.push(Math.min(perChunk, nPerturbSamples - done));
  }
  return chunks;
}
