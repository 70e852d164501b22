/**
 * ProductBaselines, as Captum's (`captum.attr._utils.baselines`): candidate baseline values per
 * feature, and draws from their cartesian product.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue } from "./_utils/errors.ts";
import { SeededRandom } from "./_utils/seeded_random.ts";

/**
 * Candidate baseline values: one list per feature (feature j's candidates at index j), or a record
 * from feature names to their lists (features in the record's key order).
 */
export type ProductBaselineValues =
  | readonly (readonly number[])[]
  | Readonly<Record<string, readonly number[]>>;

/** One draw of {@linkcode ProductBaselines.sample}: a list for list values, a record for a record. */
export type ProductBaselineSample<V extends ProductBaselineValues> = V extends
  readonly (readonly number[])[] ? number[] : { [K in keyof V]: number };

/** Options of the {@linkcode ProductBaselines} constructor. */
export interface ProductBaselinesOptions {
  /** Seed of the draws (the same seed gives the same sequence of samples). @default 0 */
  seed?: number;
}

const WHAT = "Cannot make product baselines";

/**
 * Baselines drawn from the cartesian product of each feature's candidate values, as Captum's
 * `ProductBaselines`: {@linkcode ProductBaselines.sample} picks one candidate per feature,
 * uniformly and independently (seeded here, where Captum uses Python's global `random`).
 *
 * {@linkcode ProductBaselines.asBaselines} makes it the `baselines` of a perturbation method
 * (FeatureAblation, Occlusion, ShapleyValueSampling, ShapleyValues, KernelShap, Lime,
 * NeuronFeatureAblation): one draw per `attribute()` call, spread over the features of each
 * example by a feature mask. Average several calls for the expectation over the product.
 *
 * @example
 * ```ts
 * import { FeatureAblation, ProductBaselines, tf } from "../mod.ts";
 * const product = new ProductBaselines([[0, 1], [5], [-1, 0, 1]], { seed: 0 });
 * console.log(product.sample()); // [1, 5, 0]: one candidate per feature
 * const ablation = new FeatureAblation((x: tf.Tensor) => x.sum(1));
 * const attr = await ablation.attribute(tf.tensor2d([[2, 6, 2]]), {
 *   baselines: product.asBaselines(),
 * });
 * attr.print(); // [[2, 1, 2]]: x − the next draw, [0, 5, 0]
 * ```
 */
export class ProductBaselines<V extends ProductBaselineValues = ProductBaselineValues> {
  /** The candidates, one list per feature, in feature order. */
  readonly baselineValues: readonly (readonly number[])[];
  /** The feature names when built from a record (its key order), else undefined. */
  readonly featureNames: readonly string[] | undefined;
  readonly #random: SeededRandom;

  /**
   * @param baselineValues candidate values per feature: a list of lists, or a record of lists.
   * @throws {TypeError} when there is no feature or a feature's candidates are not a non-empty
   *   list of finite numbers.
   * @throws {RangeError} for a seed that is not finite.
   */
  constructor(baselineValues: V, options: ProductBaselinesOptions = {}) {
    const { seed = 0 } = options;
    const isList = Array.isArray(baselineValues);
    const names = isList ? undefined : Object.keys(baselineValues ?? {});
    const lists: unknown[] = isList
      ? baselineValues as unknown[]
      : names!.map((k) => (baselineValues as Record<string, unknown>)[k]);
    if (baselineValues === null || typeof baselineValues !== "object" || lists.length === 0) {
      throw new TypeError(
        `${WHAT}: baselineValues must be a non-empty list (or record) of candidate lists, ` +
          `received ${describeValue(baselineValues)}. Pass e.g. [[0, 1], [0.5]].`,
      );
    }
    lists.forEach((list, j) => {
      const ok = Array.isArray(list) && list.length > 0 &&
        list.every((v) => typeof v === "number" && Number.isFinite(v));
      if (!ok) {
        const at = names ? `baselineValues["${names[j]}"]` : `baselineValues[${j}]`;
        throw new TypeError(
          `${WHAT}: ${at} must be a non-empty list of finite numbers (the candidates of one ` +
            `feature), received ${describeValue(list)}. Pass e.g. [0, 1].`,
        );
      }
    });
    if (typeof seed !== "number" || !Number.isFinite(seed)) {
      throw new RangeError(
        `${WHAT}: seed must be a finite number, received ${describeValue(seed)}. Pass e.g. 0.`,
      );
    }
    this.baselineValues = (lists as number[][]).map((l) => Object.freeze([...l]));
    this.featureNames = names;
    this.#random = new SeededRandom(seed);
  }

  /** The number of features. */
  get numFeatures(): number {
    return this.baselineValues.length;
  }

  /**
   * One draw from the cartesian product: a candidate per feature, each uniform and independent.
   * A list for list values, a record (same keys) for a record. Advances the seeded sequence.
   */
  sample(): ProductBaselineSample<V> {
    const values = this.#draw();
    if (!this.featureNames) return values as ProductBaselineSample<V>;
    const record: Record<string, number> = {};
    this.featureNames.forEach((k, j) => (record[k] = values[j]));
    return record as ProductBaselineSample<V>;
  }

  /**
   * A `baselines` function (a `BaselineFunction`) for the perturbation methods: called with the inputs `[N, ...]`, it
   * draws one {@linkcode ProductBaselines.sample} and returns a baseline of batch 1,
   * `[1, ...inputs.shape.slice(1)]`, whose element i is the drawn value of feature `featureMask[i]`.
   *
   * @param featureMask integer feature ids in `0 … numFeatures − 1` broadcastable to one example
   *   (`[1, ...example]` or a shape that broadcasts to it, e.g. `[1, 1, 1, C]` for one feature per
   *   channel). The caller keeps ownership. Default: element i of the flattened example is
   *   feature i (the example must then have exactly `numFeatures` elements).
   * @throws {TypeError} (when called) for a mask that does not broadcast to one example, ids out
   *   of range, or, without a mask, an example of another size than `numFeatures`.
   */
  asBaselines(featureMask?: tf.Tensor): (inputs: tf.Tensor) => tf.Tensor {
    return (inputs: tf.Tensor) => {
      const rowShape = inputs.shape.slice(1);
      const size = rowShape.reduce((a, b) => a * b, 1);
      const ids = this.#featureIds(rowShape, size, featureMask);
      const sample = this.#draw();
      const values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = sample[ids[i]];
      return tf.tensor(values, [1, ...rowShape]);
    };
  }

  /** One candidate per feature. */
  #draw(): number[] {
    return this.baselineValues.map((list) => list[this.#random.int(list.length)]);
  }

  /** The feature id of each element of one example. */
  #featureIds(rowShape: number[], size: number, featureMask: tf.Tensor | undefined): Int32Array {
    const m = this.numFeatures;
    if (featureMask === undefined) {
      if (size !== m) {
        throw new TypeError(
          `${WHAT}: inputs must have ${m} elements per example (one per feature) when no ` +
            `featureMask is given, received inputs of shape [${
              rowShape.join(", ")
            }] per example. ` +
            "Pass asBaselines(featureMask) with one feature id per element.",
        );
      }
      return Int32Array.from({ length: size }, (_, i) => i);
    }
    const target = [1, ...rowShape];
    const broadcasts = featureMask instanceof tf.Tensor && featureMask.rank <= target.length &&
      featureMask.shape.every((d, i) => {
        const t = target[target.length - featureMask.rank + i];
        return d === t || d === 1;
      });
    if (!broadcasts) {
      throw new TypeError(
        `${WHAT}: featureMask must be an integer tensor broadcastable to one example ` +
          `[${target.join(", ")}], received ${describeValue(featureMask)}. ` +
          "Give it the example's shape with batch size 1.",
      );
    }
    const raw = tf.tidy(() => tf.broadcastTo(featureMask, target).dataSync());
    const bad = raw.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= m);
    if (bad >= 0) {
      throw new TypeError(
        `${WHAT}: featureMask ids must be integers in 0 … ${m - 1} (one per feature), ` +
          `received ${raw[bad]}. Number the features from 0.`,
      );
    }
    return Int32Array.from(raw);
  }
}
