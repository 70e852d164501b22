/**
 * `faithfulnessCorrelation`: Bhatt et al.'s (2020) correlation between the attribution mass of
 * random feature subsets and the drop of the model's score when those subsets are removed.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ModelLike, Target } from "../attr/types.ts";
import { SeededRandom } from "../attr/_utils/seeded_random.ts";
import { assertMetricInteger, metricError } from "../attr/_utils/metric_errors.ts";
import { featureGroups, groupRelevance } from "./_feature_groups.ts";
import { replacementValues } from "./_perturbation_curve.ts";
import { hostValues, metricBatchSize, scoreRows } from "./_scores.ts";
import { pearson } from "./_statistics.ts";
import { perturbationMetricSetup } from "./_validate.ts";

const METRIC = "faithfulnessCorrelation";

/** Options of {@linkcode faithfulnessCorrelation}. */
export interface FaithfulnessCorrelationOptions {
  /** The output explained (a class index, one per example, or a function of the output). */
  target?: Target;
  /** Random subsets per example (Quantus's `nr_runs`). @default 100 */
  nSamples?: number;
  /**
   * Features per subset; it must be below the number of features.
   * @default 224 (Quantus's default, 2/7 of a 28 × 28 image)
   */
  subsetSize?: number;
  /** Side of the square patches that form one feature (NHWC images). @default 1 (pixels) */
  patchSize?: number;
  /** Value a removed feature takes. @default 0 */
  replacement?: number;
  /** Seed of the subsets. @default 0 */
  seed?: number;
  /** Score the softmax of the output instead of the raw output. @default false */
  softmax?: boolean;
  /**
   * Perturbed inputs per forward pass.
   * @default as many as fit a 512 MiB budget at the model's measured cost per row, at most 256
   */
  batchSize?: number;
}

/**
 * Faithfulness correlation of `attributions`, one value per example in [−1, 1] (higher is
 * better): over `nSamples` random subsets S of `subsetSize` features, the Pearson correlation
 * between `Σ_{i∈S} attributions_i` and `f(x) − f(x_S)`, where `x_S` is `x` with the features of
 * S set to `replacement` (Bhatt et al.'s μ_F; Quantus's `FaithfulnessCorrelation`). A constant
 * side (e.g. an all-zero map) gives 0.
 *
 * Reference: U. Bhatt, A. Weller, J. M. F. Moura, "Evaluating and Aggregating Feature-based
 * Model Explanations", IJCAI 2020.
 *
 * @example
 * ```ts
 * import { faithfulnessCorrelation, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.mul(tf.tensor1d([4, -1, 2, 1, 3, -2])).sum(1);
 * const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
 * const exact = x.mul(tf.tensor1d([4, -1, 2, 1, 3, -2])); // removal effect of each feature
 * const r = await faithfulnessCorrelation(model, x, exact, { subsetSize: 2, nSamples: 20 });
 * console.log(r[0]); // 1
 * ```
 *
 * @throws {TypeError} for inputs that are not a float32 batch or attributions of another shape.
 * @throws {RangeError} for `nSamples` < 2, `subsetSize` outside [1, features), a bad
 *   `patchSize`, `replacement` or `batchSize`.
 */
export async function faithfulnessCorrelation(
  model: ModelLike,
  inputs: tf.Tensor,
  attributions: tf.Tensor,
  options: FaithfulnessCorrelationOptions = {},
): Promise<Float64Array> {
  const { nSamples = 100, subsetSize = 224, replacement = 0 } = options;
  const setup = perturbationMetricSetup(METRIC, model, inputs, attributions, options);
  const { forward, target, patchSize, seed, softmax } = setup;
  assertMetricInteger(METRIC, "nSamples", nSamples, 2);
  const groups = featureGroups(METRIC, inputs.shape, patchSize);
  if (!Number.isInteger(subsetSize) || subsetSize < 1 || subsetSize >= groups.count) {
    throw metricError(
      METRIC,
      "subsetSize",
      `an integer in [1, ${groups.count - 1}] (below the ${groups.count} features)`,
      subsetSize,
      `Pass e.g. subsetSize: ${Math.max(1, Math.floor(groups.count / 4))}.`,
      true,
    );
  }
  const batchSize = metricBatchSize(METRIC, forward, inputs, options.batchSize);
  const [x, a] = await hostValues(inputs, attributions);
  const fill = replacementValues(METRIC, x, inputs.shape, replacement, 1);
  const n = inputs.shape[0], size = groups.size, rowsPer = nSamples + 1;
  const random = new SeededRandom(seed);
  const result = new Float64Array(n);
  const examplesPerChunk = Math.max(1, Math.floor(4096 / rowsPer));
  for (let start = 0; start < n; start += examplesPerChunk) {
    const end = Math.min(n, start + examplesPerChunk);
    const rows = new Float32Array((end - start) * rowsPer * size);
    const exampleOf: number[] = [];
    const sums: Float64Array[] = [];
    for (let e = start; e < end; e++) {
      const off = e * size;
      const relevance = groupRelevance(groups, a, off);
      const base = (e - start) * rowsPer;
      rows.set(x.subarray(off, off + size), base * size);
      exampleOf.push(e);
      const perm = Int32Array.from({ length: groups.count }, (_, i) => i);
      const s = new Float64Array(nSamples);
      for (let j = 0; j < nSamples; j++) {
        const row = x.slice(off, off + size);
        for (let i = 0; i < subsetSize; i++) {
          const k = i + random.int(groups.count - i);
          [perm[i], perm[k]] = [perm[k], perm[i]];
          s[j] += relevance[perm[i]];
          for (const m of groups.members[perm[i]]) row[m] = fill[off + m];
        }
        rows.set(row, (base + 1 + j) * size);
        exampleOf.push(e);
      }
      sums.push(s);
    }
    const scores = await scoreRows(METRIC, forward, rows, inputs.shape.slice(1), exampleOf, {
      target,
      softmax,
      batchSize,
    });
    for (let e = start; e < end; e++) {
      const base = (e - start) * rowsPer;
      const drops = new Float64Array(nSamples);
      for (let j = 0; j < nSamples; j++) drops[j] = scores[base] - scores[base + 1 + j];
      const r = pearson(sums[e - start], drops);
      result[e] = Number.isNaN(r) ? 0 : r;
    }
  }
  return result;
}
