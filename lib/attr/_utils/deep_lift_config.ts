/**
 * The constructor configuration of the DeepLift family, resolved and validated once for all six
 * classes (DeepLift, DeepLiftShap and their layer and neuron variants).
 *
 * @module
 */
import { assertNumber, attributionTypeError } from "./errors.ts";

/** Constructor options of the DeepLift family (`DeepLift`, `DeepLiftShap`, their layer and neuron variants). */
export interface DeepLiftConfig {
  /**
   * Multiply the multipliers by `(inputs − baselines)` (global attribution). When false, return
   * the multipliers alone (Captum's "local" attribution).
   * @default true
   */
  multiplyByInputs?: boolean;
  /**
   * Where `|Δinput| < eps` at a nonlinearity, the plain gradient is used instead of Δout/Δin.
   * @default 1e-10
   */
  eps?: number;
}

/**
 * `config` with its defaults, validated at construction so that a bad value is reported by the
 * class the user constructed.
 *
 * @throws {TypeError} when `multiplyByInputs` is not a boolean.
 * @throws {RangeError} when `eps` is not a finite number ≥ 0.
 */
export function resolveDeepLiftConfig(
  method: string,
  config: DeepLiftConfig = {},
): Required<DeepLiftConfig> {
  const { multiplyByInputs = true, eps = 1e-10 } = config;
  if (typeof multiplyByInputs !== "boolean") {
    throw attributionTypeError(
      method,
      "config.multiplyByInputs",
      "a boolean",
      multiplyByInputs,
      "Pass true (attributions) or false (multipliers alone).",
    );
  }
  assertNumber(method, "eps", eps, 0);
  return { multiplyByInputs, eps };
}
