/**
 * `modelParameterRandomization`: Adebayo et al.'s (2018) model parameter randomization test,
 * cascading or independent, on copies of the model.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { toForwardFunction } from "../attr/_utils/forward.ts";
import { SeededRandom } from "../attr/_utils/seeded_random.ts";
import { assertMetricInteger, metricError } from "../attr/_utils/metric_errors.ts";
import { ProgressBar } from "../display/progress_bar.ts";
import { explainMaps, resolveTargets } from "./_explain.ts";
import { copyLayersModel, layersWithWeights, randomizeLayer } from "./_model_copy.ts";
import { assertMetricInputs } from "./_validate.ts";
import type { ExplainerFunction } from "./explainer_function.ts";
import {
  type MapSimilarity,
  type MapSimilarityOptions,
  similarityOfMaps,
} from "./map_similarity.ts";

const METRIC = "modelParameterRandomization";

/**
 * How layers are randomized: `"cascading"` adds one more layer at each step, from the top (output)
 * layer down; `"independent"` randomizes one layer at a time, the others keeping their weights.
 */
export type RandomizationMode = "cascading" | "independent";

/** All values of {@linkcode RandomizationMode}. */
export const RANDOMIZATION_MODES: readonly RandomizationMode[] = ["cascading", "independent"];

/** Options of {@linkcode modelParameterRandomization}. */
export interface ModelParameterRandomizationOptions extends MapSimilarityOptions {
  /** The class explained: one index, or one per example. @default the predicted classes */
  target?: number | readonly number[];
  /** Cascading or independent randomization. @default "cascading" */
  mode?: RandomizationMode;
  /**
   * The layers to randomize, in the order they are randomized.
   * @default every layer with weights, from the top (output) layer down
   */
  layers?: readonly string[];
  /**
   * Seed of the new weights; layer k of `layers` draws from `seed + k`, so a layer gets the same
   * random weights in both modes.
   * @default 0
   */
  seed?: number;
  /** Examples (the first ones) whose maps are returned, for figures. @default 0 */
  keepMaps?: number;
  /** Examples per explainer call. @default all of them */
  batchSize?: number;
  /** Show a progress bar (terminal or Jupyter), as the explainers' `showProgress`. @default false */
  showProgress?: boolean;
}

/** One step of the test: the layers randomized and the similarity to the original maps. */
export interface RandomizationStep {
  /** The layer randomized at this step. */
  layer: string;
  /** Every layer randomized in the model of this step (cascading: this one and those above). */
  randomized: string[];
  /** Per example, the similarity of this step's maps to the original ones. */
  similarity: MapSimilarity;
}

/** Result of {@linkcode modelParameterRandomization}. Plain numbers: nothing to dispose. */
export interface ModelParameterRandomizationResult {
  /** The mode used. */
  mode: RandomizationMode;
  /** The class explained for each example. */
  target: number[];
  /** One step per randomized layer, in order. */
  steps: RandomizationStep[];
  /**
   * The signed maps (summed over channels, `height × width`, row-major) of the first `keepMaps`
   * examples: for the original model and after each step (`randomized[step][example]`).
   */
  maps: {
    height: number;
    width: number;
    original: Float64Array[];
    randomized: Float64Array[][];
  };
}

/**
 * Adebayo et al.'s model parameter randomization test: the explainer runs on the model, then on
 * copies whose layers are re-initialized one by one from the top layer down (`mode:
 * "cascading"`, the layers above staying random) or one at a time (`"independent"`), and each
 * step's maps are compared with the original ones by {@linkcode mapSimilarity} (Spearman rank
 * correlation of absolute and of signed values, SSIM, HOG correlation).
 *
 * An explanation that depends on what the model learned changes as its weights are destroyed:
 * its similarity falls towards 0. One that stays similar (an edge detector, or methods dominated
 * by the input) fails the check: it would look the same for any model.
 *
 * The randomized models are copies (architecture from the model's JSON configuration, weights
 * copied); the model passed in is never modified, even when the explainer throws. A layer is
 * re-initialized from a truncated normal (±2σ) with mean 0 and σ the standard deviation of its
 * trained weights, as Adebayo et al. re-initialize from truncated normals.
 *
 * Reference: J. Adebayo, J. Gilmer, M. Muelly, I. Goodfellow, M. Hardt, B. Kim, "Sanity Checks
 * for Saliency Maps", NeurIPS 2018.
 *
 * @example
 * ```ts
 * import { modelParameterRandomization, Saliency, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [4], units: 8, activation: "relu" }),
 *   tf.layers.dense({ units: 3 }),
 * ] });
 * const x = tf.randomUniform([2, 4], 0, 1, "float32", 0);
 * const result = await modelParameterRandomization(
 *   model,
 *   (m, xs, target) => new Saliency(m).attribute(xs, { target }),
 *   x,
 * );
 * console.log(result.steps.map((s) => s.layer)); // the top dense layer first
 * ```
 *
 * @throws {TypeError} when `model` is not a `tf.LayersModel`, `explainer` not a function, a
 *   layer is not in the model or has no weights, or the explainer returns another shape.
 * @throws {RangeError} for an unknown `mode`, or `keepMaps`, `batchSize` out of range.
 */
export async function modelParameterRandomization(
  model: tf.LayersModel,
  explainer: ExplainerFunction,
  inputs: tf.Tensor,
  options: ModelParameterRandomizationOptions = {},
): Promise<ModelParameterRandomizationResult> {
  const { mode = "cascading", seed = 0, keepMaps = 0, showProgress = false } = options;
  const { forward, layers } = checkRandomizationArgs(METRIC, model, explainer, inputs, options);
  if (!RANDOMIZATION_MODES.includes(mode)) {
    throw metricError(
      METRIC,
      "mode",
      '"cascading" or "independent"',
      mode,
      'Pass mode: "cascading" (top layer down, cumulative) or "independent".',
      true,
    );
  }
  const n = inputs.shape[0];
  assertMetricInteger(METRIC, "keepMaps", keepMaps, 0);
  const batchSize = options.batchSize ?? n;
  assertMetricInteger(METRIC, "batchSize", batchSize, 1);
  const target = await resolveTargets(METRIC, forward, inputs, options.target);
  const bar = showProgress
    ? new ProgressBar({ label: `Randomization (${mode})`, total: layers.length + 1 })
    : undefined;
  const original = await explainMaps(METRIC, explainer, model, inputs, target, batchSize);
  await bar?.update(1);
  const keep = Math.min(keepMaps, n);
  const result: ModelParameterRandomizationResult = {
    mode,
    target,
    steps: [],
    maps: {
      height: original.height,
      width: original.width,
      original: original.signed.slice(0, keep),
      randomized: [],
    },
  };
  let copy: tf.LayersModel | undefined;
  try {
    for (const [k, name] of layers.entries()) {
      if (copy === undefined || mode === "independent") {
        copy?.dispose();
        copy = undefined;
        copy = await copyLayersModel(model);
      }
      randomizeLayer(copy.getLayer(name), new SeededRandom(seed + k));
      const maps = await explainMaps(METRIC, explainer, copy, inputs, target, batchSize);
      result.steps.push({
        layer: name,
        randomized: mode === "cascading" ? layers.slice(0, k + 1) : [name],
        similarity: similarityOfMaps(original, maps, options),
      });
      result.maps.randomized.push(maps.signed.slice(0, keep));
      await bar?.update(k + 2);
    }
  } finally {
    copy?.dispose();
  }
  await bar?.finish();
  return result;
}

/** The checks shared with the random-logit test; the forward function and layers to randomize. */
export function checkRandomizationArgs(
  metric: string,
  model: unknown,
  explainer: unknown,
  inputs: unknown,
  options: { layers?: readonly string[] } = {},
): { forward: ReturnType<typeof toForwardFunction>; layers: string[] } {
  if (!(model instanceof tf.LayersModel)) {
    throw metricError(
      metric,
      "model",
      "a tf.LayersModel (its copies are randomized layer by layer)",
      model,
      "Pass the model itself, e.g. await loadCheckpoint(dir).",
    );
  }
  if (typeof explainer !== "function") {
    throw metricError(
      metric,
      "explainer",
      "a function (model, inputs, target) => Promise<attributions>",
      explainer,
      "Pass e.g. (m, x, target) => new Saliency(m).attribute(x, { target }).",
    );
  }
  assertMetricInputs(metric, inputs);
  const forward = toForwardFunction(metric, model);
  const withWeights = layersWithWeights(model);
  const layers = options.layers === undefined ? [...withWeights].reverse() : [...options.layers];
  for (const name of layers) {
    if (!withWeights.includes(name)) {
      throw metricError(
        metric,
        "layers",
        `names of layers with weights (${withWeights.join(", ")})`,
        name,
        "Pass layer names from model.layers that hold weights.",
      );
    }
  }
  return { forward, layers };
}
