/**
 * Errors of the influence methods: "Cannot compute <Method> influence: <what> must be
 * <expected>, received <value>. <fix>", built on the explainers' message helper.
 *
 * @module
 */
import { argumentMessage } from "../attr/_utils/errors.ts";

/** What an argument error names: the method, the argument, what it must be, its value, the fix. */
type ErrorArgs = [method: string, what: string, expected: string, received: unknown, fix: string];

/** A `TypeError` for a wrong type or shape of argument `what` of `method`. */
export function influenceTypeError(...args: ErrorArgs): TypeError {
  return new TypeError(argumentMessage(...args, "influence"));
}

/** A `RangeError` for an argument `what` of `method` whose value is out of range. */
export function influenceRangeError(...args: ErrorArgs): RangeError {
  return new RangeError(argumentMessage(...args, "influence"));
}

/** Assert `value` is an integer >= 1. */
export function assertPositiveInteger(
  method: string,
  what: string,
  value: unknown,
): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw influenceRangeError(method, what, "a positive integer", value, `Pass ${what} >= 1.`);
  }
}
