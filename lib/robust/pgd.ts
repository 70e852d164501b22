/**
 * Projected Gradient Descent (Captum's `PGD`): FGSM steps projected back into a ball around the
 * inputs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelLike } from "../attr/types.ts";
import { SeededRandom } from "../attr/_utils/seeded_random.ts";
import { ProgressBar } from "../display/progress_bar.ts";
import { bound, signedGradientStep } from "./_attack_step.ts";
import { type AttackConfig, resolveAttack, type ResolvedAttack, resolveStep } from "./fgsm.ts";
import {
  assertCount,
  assertFiniteNumber,
  assertOptionalBoolean,
  perturbationTypeError,
} from "./_errors.ts";

/** Options of {@linkcode PGD.perturb}. */
export interface PGDOptions {
  /** Radius of the ball around the inputs that the perturbation stays in (in `norm`). */
  radius: number;
  /** Size of each signed-gradient step. */
  stepSize: number;
  /** Number of steps. */
  stepNum: number;
  /**
   * The labels given to the loss: the true classes (untargeted; ascended) or the classes to reach
   * (targeted; descended). One class index for all examples or one per example.
   */
  target: number | readonly number[];
  /** Descend the loss towards `target` instead of ascending it away from it. @default false */
  targeted?: boolean;
  /** Start from a uniform random point of the ball (drawn with `seed`). @default false */
  randomStart?: boolean;
  /** The norm of the ball, per example: `"Linf"` (clamp) or `"L2"` (rescale). @default "Linf" */
  norm?: "Linf" | "L2";
  /** Zeros and ones of the inputs' shape: only elements where it is 1 are perturbed. @default every element */
  mask?: tf.Tensor;
  /** Seed of the random start; the same seed gives the same start. @default 0 */
  seed?: number;
  /** Show the steps' progress (Captum's `show_progress` of its other tools). @default false */
  showProgress?: boolean;
}

/** The max norm of `torch.renorm(diff, 2, 0, radius)`: rows longer than `radius` rescaled to it. */
function projectL2(diff: tf.Tensor, radius: number): tf.Tensor {
  const n = diff.shape[0];
  const norms = diff.reshape([n, -1]).square().sum(1).sqrt();
  // PyTorch's renorm: scale = radius / (norm + 1e-7) where norm > radius, else 1.
  const over = norms.greater(radius).cast("float32");
  const scale = over.mul(tf.scalar(radius).div(norms.add(1e-7)).sub(1)).add(1);
  return diff.mul(scale.reshape([n, ...diff.shape.slice(1).map(() => 1)]));
}

/** A uniform random point of the ball of `radius` around `center` (Captum's `_random_point`). */
function randomPoint(
  center: tf.Tensor,
  radius: number,
  norm: "Linf" | "L2",
  mask: tf.Tensor | undefined,
  rng: SeededRandom,
): tf.Tensor {
  const size = center.size;
  let x: tf.Tensor;
  if (norm === "Linf") {
    const u = new Float32Array(size);
    for (let i = 0; i < size; i++) u[i] = rng.uniform(-radius, radius);
    x = tf.tensor(u, center.shape);
  } else {
    const n = center.shape[0];
    const d = size / n;
    const u = tf.tensor(rng.normals(size, 1), [n, d]);
    // F.normalize: u / max(‖u‖, 1e-12), per example.
    const unit = u.div(u.square().sum(1, true).sqrt().maximum(1e-12));
    const r = Float32Array.from({ length: n }, () => rng.next() ** (1 / d) * radius);
    x = unit.mul(tf.tensor2d(r, [n, 1])).reshape(center.shape);
  }
  return center.add(mask ? x.mul(mask) : x);
}

/**
 * Projected Gradient Descent (Madry et al., 2018), as Captum's `PGD`: `stepNum` FGSM steps of
 * size `stepSize`, each projected back into the `radius`-ball around the inputs (`"Linf"`: each
 * element of the difference clamped to ±radius; `"L2"`: each example's difference rescaled to
 * norm `radius` when longer, as `torch.renorm`) and clamped to the bounds. Untargeted attacks
 * ascend the loss of the true class, targeted ones descend the loss of the class to reach.
 *
 * @example
 * ```ts
 * import { crossEntropyLoss, PGD, tf } from "./../mod.ts";
 * const model = (x: tf.Tensor) => x.matMul(tf.tensor2d([[1, -1], [2, 0]]));
 * const pgd = new PGD(model, { lossFunc: crossEntropyLoss });
 * const x = tf.tensor2d([[0.5, 0.5]]);
 * const adversarial = await pgd.perturb(x, { radius: 0.25, stepSize: 0.1, stepNum: 3, target: 0 });
 * console.log(adversarial.dataSync()); // Float32Array [0.25, 0.25]
 * ```
 */
export class PGD {
  readonly #attack: ResolvedAttack;

  /**
   * @param model a `tf.LayersModel`, a `tf.GraphModel` or a forward function.
   * @throws {TypeError} for a model or loss of the wrong kind; {@link RangeError} for
   *   `lowerBound > upperBound`.
   */
  constructor(model: ModelLike, config: AttackConfig = {}) {
    this.#attack = resolveAttack("PGD", model, config);
  }

  /**
   * The perturbed inputs, of the inputs' shape, within `radius` of them and clamped to the bounds.
   * The caller owns them.
   *
   * @throws {TypeError} or {@link RangeError} naming the argument that is wrong.
   */
  async perturb(inputs: tf.Tensor, options: PGDOptions): Promise<tf.Tensor> {
    const step = resolveStep("PGD", this.#attack, inputs, options);
    const {
      radius,
      stepSize,
      stepNum,
      randomStart = false,
      norm = "Linf",
      seed = 0,
      showProgress = false,
    } = options;
    assertFiniteNumber("PGD", "radius", radius, { nonNegative: true });
    assertFiniteNumber("PGD", "stepSize", stepSize, { nonNegative: true });
    assertCount("PGD", "stepNum", stepNum, 0, "Pass the number of steps, e.g. stepNum: 10.");
    if (norm !== "Linf" && norm !== "L2") {
      throw perturbationTypeError(
        "PGD",
        "norm",
        '"Linf" or "L2"',
        norm,
        'Pass norm: "Linf" or norm: "L2".',
      );
    }
    assertOptionalBoolean("PGD", "randomStart", randomStart);
    assertOptionalBoolean("PGD", "showProgress", showProgress);
    assertFiniteNumber("PGD", "seed", seed);
    const { lowerBound, upperBound } = this.#attack;
    const clip = (x: tf.Tensor) =>
      tf.tidy(() => {
        const diff = x.sub(inputs);
        const projected = norm === "Linf"
          ? tf.clipByValue(diff, -radius, radius)
          : projectL2(diff, radius);
        return bound(inputs.add(projected), lowerBound, upperBound);
      });
    let current = randomStart
      ? tf.tidy(() =>
        bound(
          randomPoint(inputs, radius, norm, step.mask, new SeededRandom(seed)),
          lowerBound,
          upperBound,
        )
      )
      : inputs.clone();
    const bar = showProgress ? new ProgressBar({ label: "PGD", total: stepNum }) : undefined;
    try {
      for (let i = 0; i < stepNum; i++) {
        const next = tf.tidy(() => clip(signedGradientStep(step, current, stepSize)));
        current.dispose();
        current = next;
        await bar?.update(i + 1, `${i + 1}/${stepNum} steps`);
      }
      await bar?.finish(`${stepNum}/${stepNum} steps`);
    } catch (error) {
      current.dispose();
      throw error;
    }
    return current;
  }
}
