/**
 * The smallest value of an attack's parameter that changes the model's prediction (Captum's
 * `MinParamPerturbation`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelLike } from "../attr/types.ts";
import { toForwardFunction } from "../attr/_utils/forward.ts";
import { assertAttack, type Attack, ownedOutput, runAttack } from "./_attack_call.ts";
import {
  assertCount,
  assertFiniteNumber,
  assertInputs,
  assertModel,
  perturbationRangeError,
  perturbationTypeError,
} from "./_errors.ts";

const METHOD = "MinParamPerturbation";

/**
 * Whether the model is still right: the output of the attacked inputs and the call's `target` (and
 * `correctFnKwargs`) to `true` when every example is still classified correctly. Runs inside a
 * `tf.tidy`.
 */
export type CorrectFunction = (
  output: tf.Tensor,
  target: number | readonly number[] | undefined,
  kwargs: Record<string, unknown>,
) => boolean;

/** Options of {@linkcode MinParamPerturbation}'s constructor. */
export interface MinParamPerturbationConfig {
  /** The name of the attack's argument that is searched (e.g. `"epsilon"`). */
  argName: string;
  /** The smallest value tried. */
  argMin: number;
  /** The search stays below this value. */
  argMax: number;
  /** The spacing of the values tried. */
  argStep: number;
  /**
   * `"linear"`: argMin, argMin + argStep, … (the first that succeeds); `"binary"`: bisection on
   * that grid, assuming a larger value succeeds whenever a smaller one does. @default "linear"
   */
  mode?: "linear" | "binary";
  /** Attacks tried at each value (for random attacks); one success is enough. @default 1 */
  numAttempts?: number;
  /**
   * Whether the model is still right. @default every example's argmax equals its target
   */
  correctFn?: CorrectFunction;
}

/** Options of {@linkcode MinParamPerturbation.evaluate}. */
export interface MinParamPerturbationOptions {
  /** The true class of each example (or one for all), given to `correctFn`. */
  target?: number | readonly number[];
  /** The attack's other arguments (e.g. `{ target: 3 }` for FGSM). @default {} */
  attackKwargs?: Record<string, unknown>;
  /** More arguments for `correctFn`. @default {} */
  correctFnKwargs?: Record<string, unknown>;
}

/** What {@linkcode MinParamPerturbation.evaluate} found. */
export interface MinParamPerturbationResult {
  /** The attacked inputs at the smallest value that succeeded (owned by the caller), or null. */
  perturbed: tf.Tensor | null;
  /** The smallest value that succeeded, or null when none in `[argMin, argMax)` did. */
  param: number | null;
}

/** Captum's `default_correct_fn`: every example's argmax equals its target. */
function defaultCorrect(
  output: tf.Tensor,
  target: number | readonly number[] | undefined,
): boolean {
  if (output.rank !== 2 || target === undefined) {
    throw perturbationTypeError(
      METHOD,
      "target",
      "given with a 2-D model output [N, numClasses] for the default correctFn",
      target === undefined ? undefined : output,
      "Pass target (the true classes), or a correctFn for other outputs.",
    );
  }
  const predicted = tf.tidy(() => output.argMax(1).dataSync());
  return Array.from(predicted).every((p, i) =>
    p === (typeof target === "number" ? target : target[i])
  );
}

/**
 * The smallest value of one argument of an attack that makes the model wrong, searched on the
 * grid `argMin, argMin + argStep, …` below `argMax`, linearly or by bisection, as Captum's
 * `MinParamPerturbation` (without its preprocessing and batching of attempts).
 *
 * @example
 * ```ts
 * import { MinParamPerturbation, tf } from "./../mod.ts";
 * const model = (x: tf.Tensor) => x; // the logits are the inputs
 * const shift = (x: tf.Tensor, { eps }: Record<string, unknown>) =>
 *   x.add(tf.tensor2d([[-(eps as number), eps as number]]));
 * const search = new MinParamPerturbation(model, shift, {
 *   argName: "eps",
 *   argMin: 0,
 *   argMax: 1,
 *   argStep: 0.125,
 * });
 * const x = tf.tensor2d([[1, 0]]);
 * const { perturbed, param } = await search.evaluate(x, { target: 0 });
 * console.log(param); // 0.625 (the first grid value above 0.5, where class 1 wins)
 * perturbed?.dispose();
 * ```
 */
export class MinParamPerturbation {
  readonly #forward: (x: tf.Tensor) => tf.Tensor;
  readonly #attack: Attack;
  readonly #config: Required<Omit<MinParamPerturbationConfig, "correctFn">> & {
    correctFn?: CorrectFunction;
  };

  /**
   * @throws {TypeError} or {@link RangeError} naming the option that is wrong (Captum's checks:
   *   `argMax > argMin + argStep`, mode linear or binary).
   */
  constructor(model: ModelLike, attack: Attack, config: MinParamPerturbationConfig) {
    assertModel(METHOD, model);
    assertAttack(METHOD, "attack", attack);
    const { argName, argMin, argMax, argStep, mode = "linear", numAttempts = 1, correctFn } =
      config ?? {};
    if (typeof argName !== "string" || argName === "") {
      throw perturbationTypeError(
        METHOD,
        "argName",
        "the name of the attack's argument",
        argName,
        'Pass e.g. argName: "epsilon".',
      );
    }
    assertFiniteNumber(METHOD, "argMin", argMin);
    assertFiniteNumber(METHOD, "argMax", argMax);
    assertFiniteNumber(METHOD, "argStep", argStep, { positive: true });
    if (!(argMax > argMin + argStep)) {
      throw perturbationRangeError(
        METHOD,
        "argMax",
        `above argMin + argStep (${argMin + argStep})`,
        argMax,
        "Widen the range or take a smaller argStep.",
      );
    }
    if (mode !== "linear" && mode !== "binary") {
      throw perturbationTypeError(
        METHOD,
        "mode",
        '"linear" or "binary"',
        mode,
        'Pass mode: "linear" or mode: "binary".',
      );
    }
    assertCount(METHOD, "numAttempts", numAttempts, 1, "Pass e.g. numAttempts: 1.");
    if (correctFn !== undefined && typeof correctFn !== "function") {
      throw perturbationTypeError(
        METHOD,
        "correctFn",
        "a function (output, target, kwargs) => boolean",
        correctFn,
        "Pass a function or omit it.",
      );
    }
    this.#forward = toForwardFunction(METHOD, model);
    this.#attack = attack;
    this.#config = { argName, argMin, argMax, argStep, mode, numAttempts, correctFn };
  }

  /**
   * Search the smallest value of `argName` for which the attacked inputs make the model wrong.
   *
   * @throws what the attack or `correctFn` throws; {@link TypeError} for inputs that are not a
   *   float32 batch.
   */
  async evaluate(
    inputs: tf.Tensor,
    options: MinParamPerturbationOptions = {},
  ): Promise<MinParamPerturbationResult> {
    assertInputs(METHOD, inputs);
    const { target, attackKwargs = {}, correctFnKwargs = {} } = options;
    const { argMin, argMax, argStep, numAttempts } = this.#config;
    // One value tried: the first attempt that makes the model wrong (owned by the caller), or null.
    const tryValue = async (param: number): Promise<tf.Tensor | null> => {
      for (let i = 0; i < numAttempts; i++) {
        const attacked = await runAttack(this.#attack, inputs, {
          ...attackKwargs,
          [this.#config.argName]: param,
        });
        let correct: boolean;
        try {
          const output = ownedOutput(this.#forward, attacked);
          try {
            const correctFn = this.#config.correctFn;
            correct = correctFn
              ? tf.tidy(() => correctFn(output, target, correctFnKwargs))
              : defaultCorrect(output, target);
          } finally {
            output.dispose();
          }
        } catch (error) {
          attacked.dispose();
          throw error;
        }
        if (!correct) return attacked;
        attacked.dispose();
      }
      return null;
    };
    if (this.#config.mode === "linear") {
      // Captum's drange: the value accumulates argStep (floating point included).
      for (let param = argMin; param < argMax; param += argStep) {
        const attacked = await tryValue(param);
        if (attacked) return { perturbed: attacked, param };
      }
      return { perturbed: null, param: null };
    }
    let minRange = argMin;
    let maxRange = argMax;
    let best: MinParamPerturbationResult = { perturbed: null, param: null };
    while (maxRange > minRange) {
      let midStep = Math.floor(Math.floor((maxRange - minRange) / argStep) / 2);
      if (midStep === 0 && minRange + argStep < maxRange) midStep = 1;
      const mid = minRange + midStep * argStep;
      const attacked = await tryValue(mid);
      if (attacked) {
        maxRange = mid;
        if (best.param === null || best.param > mid) {
          best.perturbed?.dispose();
          best = { perturbed: attacked, param: mid };
        } else attacked.dispose();
      }
      if (isClose(minRange, mid)) break;
      if (!attacked) minRange = mid;
    }
    return best;
  }
}

/** Python's `math.isclose` with its default tolerances (relative 1e-9). */
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}
