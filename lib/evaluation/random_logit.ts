/**
 * `randomLogit`: Sixt et al.'s (2020) random logit test: does the explanation change when another
 * class is explained?
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { SeededRandom } from "../attr/_utils/seeded_random.ts";
import { assertMetricInteger } from "../attr/_utils/metric_errors.ts";
import { explainMaps, resolveTargets } from "./_explain.ts";
import type { ExplainerFunction } from "./explainer_function.ts";
import {
  type MapSimilarity,
  type MapSimilarityOptions,
  similarityOfMaps,
} from "./map_similarity.ts";
import { checkRandomizationArgs } from "./model_parameter_randomization.ts";

const METRIC = "randomLogit";

/** Options of {@linkcode randomLogit}. */
export interface RandomLogitOptions extends MapSimilarityOptions {
  /** The class explained: one index, or one per example. @default the predicted classes */
  target?: number | readonly number[];
  /** Seed of the random classes. @default 0 */
  seed?: number;
  /** Examples per explainer call. @default all of them */
  batchSize?: number;
}

/** Result of {@linkcode randomLogit}. Plain numbers: nothing to dispose. */
export interface RandomLogitResult {
  /** The class explained for each example. */
  target: number[];
  /** The random other class drawn for each example. */
  randomTarget: number[];
  /** Per example, the similarity of the two explanations (1: the class made no difference). */
  similarity: MapSimilarity;
}

/**
 * The random logit test: per example, explain the target class and a class drawn uniformly among
 * the others, and compare the two maps with {@linkcode mapSimilarity}. A class-sensitive
 * explanation gives low similarity; one that looks the same whatever class it explains (Sixt et
 * al. show it for several modified-backpropagation methods) gives high similarity. Quantus
 * (`RandomLogit`) uses SSIM; the four measures of Adebayo et al. are returned.
 *
 * Reference: L. Sixt, M. Granz, T. Landgraf, "When Explanations Lie: Why Many Modified BP
 * Attributions Fail", ICML 2020.
 *
 * @example
 * ```ts
 * import { randomLogit, Saliency, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
 * const x = tf.randomUniform([2, 4], 0, 1, "float32", 0);
 * const result = await randomLogit(
 *   model,
 *   (m, xs, target) => new Saliency(m).attribute(xs, { target }),
 *   x,
 * );
 * console.log(result.randomTarget.length); // 2
 * ```
 *
 * @throws {TypeError} when `model` is not a `tf.LayersModel`, `explainer` not a function or it
 *   returns another shape.
 * @throws {RangeError} for a bad `target` or `batchSize`, or a model with one output.
 */
export async function randomLogit(
  model: tf.LayersModel,
  explainer: ExplainerFunction,
  inputs: tf.Tensor,
  options: RandomLogitOptions = {},
): Promise<RandomLogitResult> {
  const { forward } = checkRandomizationArgs(METRIC, model, explainer, inputs);
  const n = inputs.shape[0];
  const batchSize = options.batchSize ?? n;
  assertMetricInteger(METRIC, "batchSize", batchSize, 1);
  const target = await resolveTargets(METRIC, forward, inputs, options.target);
  const outputShape = model.outputs[0].shape;
  const classes = outputShape[outputShape.length - 1] ?? 0;
  assertMetricInteger(METRIC, "the model's number of classes", classes, 2);
  const random = new SeededRandom(options.seed ?? 0);
  const randomTarget = target.map((t) => {
    const r = random.int(classes - 1);
    return r >= t ? r + 1 : r;
  });
  const a = await explainMaps(METRIC, explainer, model, inputs, target, batchSize);
  const b = await explainMaps(METRIC, explainer, model, inputs, randomTarget, batchSize);
  return { target, randomTarget, similarity: similarityOfMaps(a, b, options) };
}
