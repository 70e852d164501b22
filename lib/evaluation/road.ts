/**
 * `road`: RemOve And Debias (Rong et al., 2022), the model's score after the most (or least)
 * relevant pixels are removed by noisy linear imputation, without retraining.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ModelLike, Target } from "../attr/types.ts";
import { SeededRandom } from "../attr/_utils/seeded_random.ts";
import { metricError } from "../attr/_utils/metric_errors.ts";
import {
  assertOrder,
  featureGroups,
  groupRelevance,
  orderFeatures,
  type PerturbationOrder,
} from "./_feature_groups.ts";
import { noisyLinearImpute } from "./_noisy_linear_imputation.ts";
import { scoreCurve } from "./_perturbation_curve.ts";
import { hostValues, metricBatchSize } from "./_scores.ts";
import { perturbationMetricSetup } from "./_validate.ts";
import type { PerturbationCurve } from "./perturbation_curve.ts";

const METRIC = "road";
/** Rong et al.'s 10 % steps. */
const ROAD_PERCENTAGES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Options of {@linkcode road}. */
export interface RoadOptions {
  /** The output explained (a class index, one per example, or a function of the output). */
  target?: Target;
  /**
   * Fractions of the features removed, each in [0, 1).
   * @default [0.1, 0.2, …, 0.9] (Rong et al.'s 10 % steps)
   */
  percentages?: readonly number[];
  /** Remove the most relevant features first (`"morf"`) or the least relevant (`"lerf"`). @default "morf" */
  order?: PerturbationOrder;
  /** Side of the square patches ranked together (pixels are imputed one by one). @default 1 */
  patchSize?: number;
  /** Standard deviation of the noise added to imputed pixels. @default 0.01 (Rong et al.) */
  noise?: number;
  /** Seed of the noise. @default 0 */
  seed?: number;
  /** Score the softmax of the output instead of the raw output. @default false */
  softmax?: boolean;
  /**
   * Imputed inputs per forward pass.
   * @default as many as fit a 512 MiB budget at the model's measured cost per row, at most 256
   */
  batchSize?: number;
}

/**
 * ROAD curve of `attributions` for NHWC images `inputs`: for each fraction p of `percentages`,
 * the top p of the features by attribution (`order: "morf"`; `"lerf"`: the bottom p) are removed
 * and filled in by noisy linear imputation (each removed pixel the weighted mean of its
 * neighbours, plus Gaussian noise), and the model's score for the target is recorded. Unlike
 * ROAR, the model is not retrained; the imputation keeps the removed pixels' shape from leaking
 * the removal mask (Rong et al.'s debiasing). A faithful attribution makes the MoRF curve fall
 * fast (low `auc`) and the LeRF curve stay high. `fractions` holds the percentages; `auc`
 * integrates over their range.
 *
 * Reference: Y. Rong, T. Leemann, V. Borisov, G. Kasneci, E. Kasneci, "A Consistent and
 * Efficient Evaluation Strategy for Attribution Methods", ICML 2022.
 *
 * @example
 * ```ts
 * import { road, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.mean([1, 2, 3]); // the mean brightness
 * const x = tf.tensor4d([[[[1], [0]], [[0], [0]]]]); // one bright pixel
 * const curve = await road(model, x, x, { percentages: [0.25], noise: 0 });
 * console.log(curve.scores[0][0]); // 0: the bright pixel became its neighbours' mean, 0
 * ```
 *
 * @throws {TypeError} for inputs that are not a float32 NHWC batch or attributions of another
 *   shape.
 * @throws {RangeError} for a fraction outside [0, 1), a negative `noise`, an unknown `order`,
 *   a bad `patchSize` or `batchSize`.
 */
export async function road(
  model: ModelLike,
  inputs: tf.Tensor,
  attributions: tf.Tensor,
  options: RoadOptions = {},
): Promise<PerturbationCurve> {
  const { percentages = ROAD_PERCENTAGES, order = "morf", noise = 0.01 } = options;
  const setup = perturbationMetricSetup(METRIC, model, inputs, attributions, options);
  const { forward, target, patchSize, seed, softmax } = setup;
  if (inputs.rank !== 4) {
    throw metricError(
      METRIC,
      "inputs",
      "NHWC images [N, H, W, C] (the imputation needs pixel neighbours)",
      inputs,
      "Pass images, e.g. [N, 28, 28, 1].",
    );
  }
  assertOrder(METRIC, order);
  if (
    !Array.isArray(percentages) || percentages.length === 0 ||
    !percentages.every((p) => typeof p === "number" && p >= 0 && p < 1)
  ) {
    throw metricError(
      METRIC,
      "percentages",
      "a non-empty array of fractions in [0, 1)",
      percentages,
      "Pass e.g. percentages: [0.1, 0.3, 0.5, 0.7, 0.9].",
      true,
    );
  }
  if (!(typeof noise === "number" && noise >= 0)) {
    throw metricError(METRIC, "noise", "a number ≥ 0", noise, "Pass e.g. noise: 0.01.", true);
  }
  const batchSize = metricBatchSize(METRIC, forward, inputs, options.batchSize);
  const groups = featureGroups(METRIC, inputs.shape, patchSize);
  const [n, h, w, c] = inputs.shape;
  const size = groups.size, points = percentages.length;
  const [x, a] = await hostValues(inputs, attributions);
  const random = new SeededRandom(seed);
  const rows = new Float32Array(n * points * size);
  const exampleOf: number[] = [];
  for (let e = 0; e < n; e++) {
    const off = e * size;
    const ranked = orderFeatures(groupRelevance(groups, a, off), order);
    const image = x.subarray(off, off + size);
    for (const [k, p] of percentages.entries()) {
      const removed = new Uint8Array(h * w);
      const count = Math.round(p * groups.count);
      for (let g = 0; g < count; g++) {
        for (const m of groups.members[ranked[g]]) removed[Math.floor(m / c)] = 1;
      }
      rows.set(noisyLinearImpute(image, h, w, c, removed, noise, random), (e * points + k) * size);
      exampleOf.push(e);
    }
  }
  return await scoreCurve(METRIC, forward, rows, inputs.shape, exampleOf, [...percentages], {
    target,
    softmax,
    batchSize,
  });
}
