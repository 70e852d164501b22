/**
 * The Fast Gradient Sign Method (Captum's `FGSM`): one signed-gradient step on a loss.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelLike } from "../attr/types.ts";
import { toForwardFunction } from "../attr/_utils/forward.ts";
import { type AttackStep, bound, signedGradientStep } from "./_attack_step.ts";
import { type LossFunction, negativeLogLoss } from "./losses.ts";
import {
  assertBounds,
  assertFiniteNumber,
  assertInputs,
  assertMask,
  assertModel,
  assertOptionalBoolean,
  assertOptionsObject,
  labelsOf,
  perturbationTypeError,
} from "./_errors.ts";

/** Options of the attacks' constructors ({@linkcode FGSM}, {@linkcode PGD}). */
export interface AttackConfig {
  /**
   * The loss whose gradient the attack follows: the model's output and one label per example to
   * one loss per example. Captum's default reads the output as probabilities; pass
   * {@linkcode crossEntropyLoss} for a model that returns logits.
   * @default negativeLogLoss (−log output[i, label[i]])
   */
  lossFunc?: LossFunction;
  /** Lower bound of the input values (e.g. 0 for images in [0, 1]). @default -Infinity */
  lowerBound?: number;
  /** Upper bound of the input values (e.g. 1 for images in [0, 1]). @default Infinity */
  upperBound?: number;
}

/** Options of {@linkcode FGSM.perturb}. */
export interface FGSMOptions {
  /** Size of the step: each perturbed element moves by ±epsilon. */
  epsilon: number;
  /**
   * The labels given to the loss: the true classes (untargeted; the loss is ascended) or the
   * classes to reach (targeted; descended). One class index for all examples or one per example.
   */
  target: number | readonly number[];
  /** Descend the loss towards `target` instead of ascending it away from it. @default false */
  targeted?: boolean;
  /**
   * Zeros and ones of the inputs' shape (or broadcasting to it): only elements where it is 1 are
   * perturbed. @default every element
   */
  mask?: tf.Tensor;
}

/** The validated parts every attack shares. */
export interface ResolvedAttack {
  forward: ReturnType<typeof toForwardFunction>;
  lossFunc: LossFunction;
  lowerBound: number;
  upperBound: number;
}

/** Validate an attack's model and constructor options once, naming `method`. */
export function resolveAttack(
  method: string,
  model: ModelLike,
  config: AttackConfig,
): ResolvedAttack {
  assertModel(method, model);
  assertOptionsObject(method, "config", config, "Pass e.g. { lowerBound: 0, upperBound: 1 }.");
  const { lossFunc = negativeLogLoss, lowerBound = -Infinity, upperBound = Infinity } = config;
  if (typeof lossFunc !== "function") {
    throw perturbationTypeError(
      method,
      "lossFunc",
      "a function (outputs, labels) => loss per example",
      lossFunc,
      "Pass e.g. crossEntropyLoss, or omit it for Captum's default.",
    );
  }
  assertBounds(method, lowerBound, upperBound);
  return { forward: toForwardFunction(method, model), lossFunc, lowerBound, upperBound };
}

/** Validate the per-call options shared by FGSM and PGD and build the step. */
export function resolveStep(
  method: string,
  attack: ResolvedAttack,
  inputs: tf.Tensor,
  options: { target: unknown; targeted?: unknown; mask?: unknown },
): AttackStep {
  assertInputs(method, inputs);
  assertOptionsObject(method, "options", options, "Pass e.g. { epsilon: 0.1, target: 3 }.");
  const labels = labelsOf(method, options.target, inputs.shape[0]);
  assertOptionalBoolean(method, "targeted", options.targeted);
  assertMask(method, options.mask, inputs);
  return {
    forward: attack.forward,
    loss: attack.lossFunc,
    labels,
    direction: options.targeted ? -1 : 1,
    mask: options.mask as tf.Tensor | undefined,
  };
}

/**
 * Fast Gradient Sign Method (Goodfellow et al., 2015), as Captum's `FGSM`: one step of size
 * `epsilon` along the sign of the loss's input gradient,
 * `x' = clamp(x + ε · sign(∇ₓ L(x, y)))` (untargeted, away from the true class `y`) or
 * `x' = clamp(x − ε · sign(∇ₓ L(x, t)))` (targeted, towards class `t`). Elements whose gradient is
 * at most 1e-6 in magnitude are left as they are (Captum's `zero_thresh`).
 *
 * @example
 * ```ts
 * import { crossEntropyLoss, FGSM, tf } from "./../mod.ts";
 * const model = (x: tf.Tensor) => x.matMul(tf.tensor2d([[1, -1], [2, 0]]));
 * const fgsm = new FGSM(model, { lossFunc: crossEntropyLoss, lowerBound: 0, upperBound: 1 });
 * const x = tf.tensor2d([[0.5, 0.5]]);
 * const adversarial = await fgsm.perturb(x, { epsilon: 0.1, target: 0 });
 * console.log(adversarial.dataSync()); // Float32Array [0.4, 0.4]
 * ```
 */
export class FGSM {
  readonly #attack: ResolvedAttack;

  /**
   * @param model a `tf.LayersModel`, a `tf.GraphModel` or a forward function.
   * @throws {TypeError} for a model or loss of the wrong kind; {@link RangeError} for
   *   `lowerBound > upperBound`.
   */
  constructor(model: ModelLike, config: AttackConfig = {}) {
    this.#attack = resolveAttack("FGSM", model, config);
  }

  /**
   * The perturbed inputs, of the inputs' shape, clamped to the bounds. The caller owns them.
   *
   * @throws {TypeError} or {@link RangeError} naming the argument that is wrong.
   */
  perturb(inputs: tf.Tensor, options: FGSMOptions): Promise<tf.Tensor> {
    try {
      const step = resolveStep("FGSM", this.#attack, inputs, options);
      assertFiniteNumber("FGSM", "epsilon", options.epsilon, { nonNegative: true });
      const { lowerBound, upperBound } = this.#attack;
      return Promise.resolve(
        tf.tidy(() =>
          bound(signedGradientStep(step, inputs, options.epsilon), lowerBound, upperBound)
        ),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
