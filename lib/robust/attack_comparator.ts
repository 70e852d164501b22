/**
 * A metric of the model on the original inputs and under a set of named attacks (Captum's
 * `AttackComparator`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelLike } from "../attr/types.ts";
import { toForwardFunction } from "../attr/_utils/forward.ts";
import { assertAttack, type Attack, attackName, ownedOutput, runAttack } from "./_attack_call.ts";
import {
  assertCount,
  assertInputs,
  assertModel,
  perturbationRangeError,
  perturbationTypeError,
} from "./_errors.ts";

const METHOD = "AttackComparator";
/** The key of the unattacked inputs' metric (Captum's `ORIGINAL_KEY`). */
export const ORIGINAL_KEY = "Original";

/**
 * A metric of the model's output: a number, or a tensor (summarized element-wise; in
 * {@linkcode AttackComparator.summary} averaged over its first axis, as Captum's `agg_metric`).
 * Gets the output of one evaluation and the call's `metricKwargs`; runs inside a `tf.tidy`.
 */
export type AttackMetric = (
  output: tf.Tensor,
  kwargs: Record<string, unknown>,
) => number | tf.Tensor;

/** A metric's value as the comparator reports it: a number, or the tensor's values (row-major). */
export type MetricValue = number | number[];

/** Options of {@linkcode AttackComparator.addAttack}. */
export interface AddAttackOptions {
  /** The attack's name in the results. @default the class name ("FGSM", "PGD") or function name */
  name?: string;
  /** Times the attack is run per evaluation (random attacks): reports mean, min and max. @default 1 */
  numAttempts?: number;
  /** The attack's arguments (e.g. `{ epsilon: 0.1, target: 3 }`). @default {} */
  attackKwargs?: Record<string, unknown>;
  /** Names of `evaluate`'s `metricKwargs` also given to the attack (e.g. `"target"`). @default [] */
  additionalAttackArgNames?: string[];
}

/** Options of {@linkcode AttackComparator.evaluate}. */
export interface AttackComparatorOptions {
  /** Arguments of the metric (and of attacks that name them in `additionalAttackArgNames`). */
  metricKwargs?: Record<string, unknown>;
}

/**
 * One evaluation: `Original` → the metric on the inputs; each attack → `{ mean }` (one attempt) or
 * `{ mean, min, max }` over its attempts (`min` is the worst case of an accuracy-like metric).
 */
export type AttackComparison = Record<string, MetricValue | Record<string, MetricValue>>;

interface AttackInfo {
  attack: Attack;
  name: string;
  numAttempts: number;
  attackKwargs: Record<string, unknown>;
  additionalArgs: string[];
}

/** Element-wise running statistics. */
class Running {
  count = 0;
  sum: number[] = [];
  min: number[] = [];
  max: number[] = [];
  scalar = true;

  update(value: MetricValue): void {
    const v = typeof value === "number" ? [value] : value;
    this.scalar = typeof value === "number";
    if (this.count === 0) {
      this.sum = v.map(() => 0);
      this.min = v.map(() => Infinity);
      this.max = v.map(() => -Infinity);
    }
    v.forEach((x, i) => {
      this.sum[i] += x;
      this.min[i] = Math.min(this.min[i], x);
      this.max[i] = Math.max(this.max[i], x);
    });
    this.count++;
  }

  #out(values: number[]): MetricValue {
    return this.scalar ? values[0] : values;
  }

  get mean(): MetricValue {
    return this.#out(this.sum.map((s) => s / this.count));
  }

  stats(): Record<string, MetricValue> {
    return { mean: this.mean, min: this.#out(this.min), max: this.#out(this.max) };
  }
}

/** Captum's `agg_metric`: a tensor's values averaged over its first axis. */
function aggregate(value: number | tf.Tensor): MetricValue {
  if (typeof value === "number") return value;
  return tf.tidy(() => {
    const mean = value.rank > 0 ? value.mean(0) : value;
    return mean.rank === 0 ? mean.dataSync()[0] : Array.from(mean.dataSync());
  });
}

function read(value: number | tf.Tensor): MetricValue {
  if (typeof value === "number") return value;
  return value.rank === 0 ? value.dataSync()[0] : Array.from(value.dataSync());
}

/**
 * Compares a metric (accuracy, the true class's probability …) on the original inputs and under
 * several named attacks, as Captum's `AttackComparator`: {@linkcode evaluate} reports one batch,
 * {@linkcode summary} the running mean over every batch evaluated since {@linkcode reset}. An
 * attack run several times (`numAttempts`, e.g. random noise) reports the mean, min and max of its
 * attempts; the summary keeps `"<name> Mean Attempt"`, `"<name> Min Attempt"` and
 * `"<name> Max Attempt"`. (Captum's preprocessing and batching of attempts are not offered.)
 *
 * @example
 * ```ts
 * import { AttackComparator, tf } from "./../mod.ts";
 * const model = (x: tf.Tensor) => x; // the logits are the inputs
 * const accuracy = (out: tf.Tensor, { target }: Record<string, unknown>) =>
 *   out.argMax(1).equal(tf.tensor1d(target as number[], "int32")).cast("float32").mean();
 * const comparator = new AttackComparator(model, accuracy);
 * comparator.addAttack((x) => x.neg(), { name: "Flip" });
 * const x = tf.tensor2d([[1, 0], [0, 1]]);
 * const result = comparator.evaluate(x, { metricKwargs: { target: [0, 1] } });
 * console.log(await result); // { Original: 1, Flip: { mean: 0 } }
 * ```
 */
export class AttackComparator {
  readonly #forward: (x: tf.Tensor) => tf.Tensor;
  readonly #metric: AttackMetric;
  readonly #attacks = new Map<string, AttackInfo>();
  #summary = new Map<string, Running>();

  /** @throws {TypeError} for a model or metric of the wrong kind. */
  constructor(model: ModelLike, metric: AttackMetric) {
    assertModel(METHOD, model);
    if (typeof metric !== "function") {
      throw perturbationTypeError(
        METHOD,
        "metric",
        "a function (output, kwargs) => number or tensor",
        metric,
        "Pass e.g. an accuracy of the output.",
      );
    }
    this.#forward = toForwardFunction(METHOD, model);
    this.#metric = metric;
  }

  /**
   * Add an attack (an FGSM or PGD instance, or a function of the inputs and its arguments).
   *
   * @throws {RangeError} for a name already taken or a non-positive `numAttempts`.
   */
  addAttack(attack: Attack, options: AddAttackOptions = {}): void {
    assertAttack(METHOD, "attack", attack);
    const {
      name = attackName(attack),
      numAttempts = 1,
      attackKwargs = {},
      additionalAttackArgNames = [],
    } = options;
    if (this.#attacks.has(name) || name === ORIGINAL_KEY) {
      throw perturbationRangeError(
        METHOD,
        "name",
        "a name no other attack has",
        name,
        "Pass a distinct name option.",
      );
    }
    assertCount(METHOD, "numAttempts", numAttempts, 1, "Pass e.g. numAttempts: 1.");
    this.#attacks.set(name, {
      attack,
      name,
      numAttempts,
      attackKwargs,
      additionalArgs: additionalAttackArgNames,
    });
  }

  /**
   * The metric on `inputs` and on each attack's output; also adds them to the summary.
   *
   * @throws {TypeError} for inputs that are not a float32 batch, or an attack argument named in
   *   `additionalAttackArgNames` that `metricKwargs` lacks (Captum warns and runs without it).
   */
  async evaluate(
    inputs: tf.Tensor,
    options: AttackComparatorOptions = {},
  ): Promise<AttackComparison> {
    assertInputs(METHOD, inputs);
    const { metricKwargs = {} } = options;
    const measure = (x: tf.Tensor): { value: MetricValue; aggregated: MetricValue } => {
      const output = ownedOutput(this.#forward, x);
      try {
        const metric = tf.tidy(() => this.#metric(output, metricKwargs));
        try {
          return { value: read(metric), aggregated: aggregate(metric) };
        } finally {
          if (metric instanceof tf.Tensor) metric.dispose();
        }
      } finally {
        output.dispose();
      }
    };
    const original = measure(inputs);
    const results: AttackComparison = { [ORIGINAL_KEY]: original.value };
    const updates: [string, MetricValue][] = [[ORIGINAL_KEY, original.aggregated]];
    for (const info of this.#attacks.values()) {
      const args = { ...info.attackKwargs };
      for (const key of info.additionalArgs) {
        if (!(key in metricKwargs)) {
          throw perturbationTypeError(
            METHOD,
            `metricKwargs.${key}`,
            `given for attack ${info.name}`,
            undefined,
            `Pass ${key} in metricKwargs, or drop it from additionalAttackArgNames.`,
          );
        }
        args[key] = metricKwargs[key];
      }
      const values = new Running();
      const aggregated = new Running();
      for (let i = 0; i < info.numAttempts; i++) {
        const attacked = await runAttack(info.attack, inputs, args);
        try {
          const m = measure(attacked);
          values.update(m.value);
          aggregated.update(m.aggregated);
        } finally {
          attacked.dispose();
        }
      }
      if (info.numAttempts === 1) {
        results[info.name] = { mean: values.mean };
        updates.push([info.name, aggregated.mean]);
      } else {
        results[info.name] = values.stats();
        const stats = aggregated.stats();
        updates.push(
          [`${info.name} Mean Attempt`, stats.mean],
          [`${info.name} Min Attempt`, stats.min],
          [`${info.name} Max Attempt`, stats.max],
        );
      }
    }
    for (const [key, value] of updates) {
      if (!this.#summary.has(key)) this.#summary.set(key, new Running());
      this.#summary.get(key)!.update(value);
    }
    return results;
  }

  /** The mean of each reported metric over every evaluation since the last {@linkcode reset}. */
  summary(): Record<string, { mean: MetricValue }> {
    return Object.fromEntries([...this.#summary].map(([key, r]) => [key, { mean: r.mean }]));
  }

  /** Forget the summary's evaluations. */
  reset(): void {
    this.#summary = new Map();
  }
}
