/**
 * `accuracyUnderAttack`: a model's accuracy on adversarial inputs as a function of the attack's
 * strength (one point per ε), for robustness curves.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelLike } from "../attr/types.ts";
import { toForwardFunction } from "../attr/_utils/forward.ts";
import { callProgress } from "../attr/_utils/progress.ts";
import {
  assertCount,
  assertFiniteNumber,
  assertInputs,
  assertModel,
  labelsOf,
  perturbationTypeError,
} from "./_errors.ts";

const METHOD = "accuracyUnderAttack";

/**
 * Perturbs a batch with strength `epsilon` against its true `labels` (e.g.
 * `(x, eps, y) => fgsm.perturb(x, { epsilon: eps, target: y })`); resolves to a new tensor of
 * the batch's shape, which {@linkcode accuracyUnderAttack} disposes.
 */
export type EpsilonAttack = (
  inputs: tf.Tensor,
  epsilon: number,
  labels: number[],
) => Promise<tf.Tensor>;

/** Options of {@linkcode accuracyUnderAttack}. */
export interface AccuracyUnderAttackOptions {
  /** Examples attacked and evaluated at a time. @default 100 */
  batchSize?: number;
  /** Show progress over the ε values × batches. @default false */
  showProgress?: boolean;
}

/** What {@linkcode accuracyUnderAttack} returns: one accuracy per ε. */
export interface RobustnessCurve {
  /** The attack strengths, as given. */
  epsilons: number[];
  /** The fraction of examples whose adversarial input is still classified as its label. */
  accuracy: number[];
}

/**
 * The accuracy of `model` on `attack(inputs, ε, labels)` for every ε of `epsilons`, the examples
 * taken `batchSize` at a time: a point of a robustness curve per ε (ε = 0 with an attack that
 * leaves inputs unchanged at 0 gives the clean accuracy). The arg-max of the model's output is
 * its prediction.
 *
 * @example
 * ```ts
 * import { accuracyUnderAttack, crossEntropyLoss, FGSM, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.matMul(tf.tensor2d([[1, -1], [-1, 1]]));
 * const fgsm = new FGSM(model, { lossFunc: crossEntropyLoss });
 * const xs = tf.tensor2d([[0.6, 0.4], [0.2, 0.8]]);
 * const curve = await accuracyUnderAttack(model, xs, [0, 1], (x, epsilon, target) =>
 *   fgsm.perturb(x, { epsilon, target }), [0, 0.2, 0.5]);
 * console.log(curve.accuracy); // [1, 0.5, 0]
 * xs.dispose();
 * ```
 *
 * @throws {TypeError} for a model, inputs, labels, attack or ε list of the wrong kind, or an attack
 *   whose output does not have the inputs' shape; {@link RangeError} for a label count that is
 *   not the number of examples or a `batchSize` that is not a positive integer.
 */
export async function accuracyUnderAttack(
  model: ModelLike,
  inputs: tf.Tensor,
  labels: number | readonly number[] | Int32Array,
  attack: EpsilonAttack,
  epsilons: readonly number[],
  options: AccuracyUnderAttackOptions = {},
): Promise<RobustnessCurve> {
  assertModel(METHOD, model);
  assertInputs(METHOD, inputs);
  const n = inputs.shape[0];
  const truth = labelsOf(METHOD, ArrayBuffer.isView(labels) ? [...labels] : labels, n);
  if (typeof attack !== "function") {
    throw perturbationTypeError(
      METHOD,
      "attack",
      "a function (inputs, epsilon, labels) => Promise<tf.Tensor>",
      attack,
      "Pass e.g. (x, epsilon, target) => fgsm.perturb(x, { epsilon, target }).",
    );
  }
  if (!Array.isArray(epsilons) || epsilons.length === 0) {
    throw perturbationTypeError(
      METHOD,
      "epsilons",
      "a non-empty array of attack strengths",
      epsilons,
      "Pass e.g. [0, 0.02, 0.05, 0.1].",
    );
  }
  epsilons.forEach((e, i) =>
    assertFiniteNumber(METHOD, `epsilons[${i}]`, e, { nonNegative: true })
  );
  const { batchSize = 100 } = options;
  assertCount(METHOD, "batchSize", batchSize, 1, "Pass a positive integer such as 100.");
  const forward = toForwardFunction(METHOD, model);
  const batches = Math.ceil(n / batchSize);
  const progress = callProgress(options.showProgress, METHOD, epsilons.length * batches, "batches");
  const accuracy: number[] = [];
  for (const [e, epsilon] of epsilons.entries()) {
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      const start = b * batchSize;
      const size = Math.min(batchSize, n - start);
      const batchLabels = truth.slice(start, start + size);
      const batch = tf.slice(inputs, start, size);
      try {
        const adversarial = await attack(batch, epsilon, batchLabels);
        correct += countCorrect(forward, batch, adversarial, batchLabels);
      } finally {
        batch.dispose();
      }
      await progress.advance(e * batches + b + 1);
    }
    accuracy.push(correct / n);
  }
  await progress.finish();
  return { epsilons: [...epsilons], accuracy };
}

/** How many of `adversarial`'s predictions equal `labels`; disposes `adversarial`. */
function countCorrect(
  forward: (x: tf.Tensor) => tf.Tensor,
  batch: tf.Tensor,
  adversarial: unknown,
  labels: number[],
): number {
  try {
    if (
      !(adversarial instanceof tf.Tensor) ||
      !tf.util.arraysEqual(adversarial.shape, batch.shape)
    ) {
      throw perturbationTypeError(
        METHOD,
        "attack's result",
        `a tensor of the batch's shape [${batch.shape}]`,
        adversarial,
        "Return the perturbed batch, e.g. fgsm.perturb(x, { epsilon, target }).",
      );
    }
    const predicted = tf.tidy(() => forward(adversarial).argMax(1).dataSync());
    return labels.reduce((sum, label, i) => sum + (predicted[i] === label ? 1 : 0), 0);
  } finally {
    if (adversarial instanceof tf.Tensor) adversarial.dispose();
  }
}
