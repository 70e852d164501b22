/**
 * Errors for the attribution metrics (infidelity, sensitivityMax), worded like the explainers':
 * "Cannot compute <metric>: <what> must be <expected>, received <value>. <fix>".
 *
 * @module
 */
import { describeValue } from "./errors.ts";

/** A `TypeError` (or `RangeError` when `range`) raised while computing `metric`. */
export function metricError(
  metric: string,
  what: string,
  expected: string,
  received: unknown,
  fix: string,
  range = false,
): TypeError | RangeError {
  const text = `Cannot compute ${metric}: ${what} must be ${expected}, received ${
    describeValue(received)
  }. ${fix}`;
  return range ? new RangeError(text) : new TypeError(text);
}

/** Assert an integer ≥ `min` (RangeError). */
export function assertMetricInteger(metric: string, what: string, value: unknown, min = 1): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw metricError(metric, what, `an integer >= ${min}`, value, `Pass ${what} >= ${min}.`, true);
  }
}
