/**
 * Private: the errors of `lib/concept/`, reading "Cannot <action>: <what> must be <expected>,
 * received <value>. <fix>" as the explainers' do.
 *
 * @module
 */
import { describeValue } from "../attr/_utils/errors.ts";

/**
 * An error of class `ErrorClass` (`TypeError` for a wrong type or shape, `RangeError` for a value
 * out of range) for argument `what` of the operation `action` (e.g. "compute TCAV scores").
 */
export function conceptError<E extends Error>(
  ErrorClass: new (message: string) => E,
  action: string,
  what: string,
  expected: string,
  received: unknown,
  fix: string,
): E {
  return new ErrorClass(
    `Cannot ${action}: ${what} must be ${expected}, received ${describeValue(received)}. ${fix}`,
  );
}
