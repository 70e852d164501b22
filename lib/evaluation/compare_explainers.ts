/**
 * `compareExplainers`: one call that evaluates several explainers on the same model and images —
 * sanity checks, faithfulness and complexity — and returns a table and figures.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { metricError } from "../attr/_utils/metric_errors.ts";
import { ProgressBar } from "../display/progress_bar.ts";
import { metricTableFigure, type MetricTableRow } from "../viz/metric_table_figure.ts";
import { perturbationCurvesFigure } from "../viz/perturbation_curves_figure.ts";
import { randomizationGridFigure } from "../viz/randomization_grid_figure.ts";
import { similarityByLayerFigure } from "../viz/similarity_by_layer_figure.ts";
import type { Figure } from "../viz/figure.ts";
import { explainValues, resolveTargets } from "./_explain.ts";
import { mean, std } from "./_statistics.ts";
import { complexity } from "./complexity.ts";
import { deletionCurve } from "./deletion_curve.ts";
import type { ExplainerFunction } from "./explainer_function.ts";
import { faithfulnessCorrelation } from "./faithfulness_correlation.ts";
import { insertionCurve } from "./insertion_curve.ts";
import { SIMILARITY_MEASURES, type SimilarityMeasure } from "./map_similarity.ts";
import {
  checkRandomizationArgs,
  modelParameterRandomization,
  type ModelParameterRandomizationResult,
} from "./model_parameter_randomization.ts";
import type { DeletionCurve, PerturbationCurve } from "./perturbation_curve.ts";
import { randomLogit, type RandomLogitResult } from "./random_logit.ts";
import { road } from "./road.ts";
import { sparseness } from "./sparseness.ts";

const METRIC = "compareExplainers";

/** Options of {@linkcode compareExplainers}. */
export interface CompareExplainersOptions {
  /** The class explained: one index, or one per example. @default the predicted classes */
  target?: number | readonly number[];
  /**
   * Score the softmax of the output (class probabilities) in the faithfulness metrics, so that
   * curves of different images share a scale. Set it to false for a model that already outputs
   * probabilities.
   * @default true
   */
  softmax?: boolean;
  /** Points of the deletion and insertion curves after the first. @default 20 */
  nSteps?: number;
  /** Side of the patches removed and inserted together (1: pixels). @default 1 */
  patchSize?: number;
  /** What removed features become in deletion and faithfulness correlation. @default 0 */
  replacement?: number;
  /**
   * What the insertion curve starts from: `"blur"` (the blurred image, as Petsiuk et al.) or a
   * constant. (From a constant, insertion most relevant first mirrors deletion least relevant
   * first with that constant: the same AUC.)
   * @default "blur"
   */
  insertionReplacement?: number | "blur";
  /** Random subsets per image for faithfulness correlation. @default 50 */
  faithfulnessSamples?: number;
  /** Features per subset for faithfulness correlation. @default 224, or a quarter of the features when fewer */
  subsetSize?: number;
  /** ROAD's fractions of removed features. @default [0.1, 0.3, 0.5, 0.7, 0.9] */
  roadPercentages?: readonly number[];
  /**
   * Images (the first ones) the sanity checks (model parameter randomization, random logit) run
   * on; they rerun each explainer per randomized layer.
   * @default 16 (all images when fewer)
   */
  sanityImages?: number;
  /** Also run independent (one layer at a time) randomization. @default false */
  independent?: boolean;
  /** The similarity measure the sanity verdicts read. @default "spearman" */
  passMeasure?: SimilarityMeasure;
  /**
   * A method passes a sanity check when its mean similarity after the check (the fully randomized
   * model; another class) is below this.
   * @default 0.5
   */
  passThreshold?: number;
  /** Images per explainer call. @default 32 */
  batchSize?: number;
  /** Seed of every random draw (randomized weights, subsets, noise, random classes). @default 0 */
  seed?: number;
  /** Show a progress bar (terminal or Jupyter), as the explainers' `showProgress`. @default true */
  showProgress?: boolean;
}

/** One method's sanity-check verdict. */
export interface SanityVerdict {
  /** Mean similarity (the pass measure) of the maps of the fully randomized model to the original. */
  randomizationSimilarity: number;
  /** Mean similarity (the pass measure) of the maps of a random other class to the original. */
  randomLogitSimilarity: number;
  /** Whether the maps change when the model is randomized (similarity below the threshold). */
  passesRandomization: boolean;
  /** Whether the maps change when another class is explained. */
  passesRandomLogit: boolean;
}

/** The figures of a comparison. */
export interface ComparisonFigures {
  /** Deletion and insertion curves (most relevant first), one line per method. */
  curves: Figure;
  /** The maps of the first image as the layers are randomized, a row per method. */
  cascade: Figure;
  /** Mean similarity to the original maps after each randomization step, per measure. */
  similarity: Figure;
  /** The method × metric table, coloured by rank within each metric. */
  table: Figure;
}

/** Result of {@linkcode compareExplainers}. Plain numbers and figures: nothing to dispose. */
export interface ExplainerComparison {
  /** The methods, in the order given. */
  methods: string[];
  /** The class explained for each image. */
  target: number[];
  /** Mean and spread over images of every metric, per method. */
  table: MetricTableRow[];
  /** Per method, its sanity-check verdict. */
  sanity: Record<string, SanityVerdict>;
  /** Per method, its deletion, insertion and ROAD curves (most relevant first). */
  curves: Record<
    string,
    {
      deletion: DeletionCurve;
      insertion: PerturbationCurve;
      road: PerturbationCurve;
    }
  >;
  /** Per method, cascading model parameter randomization on the sanity images. */
  randomization: Record<string, ModelParameterRandomizationResult>;
  /** Per method, independent randomization (with `independent: true`). */
  independentRandomization?: Record<string, ModelParameterRandomizationResult>;
  /** Per method, the random logit test on the sanity images. */
  randomLogit: Record<string, RandomLogitResult>;
  /** The figures. */
  figures: ComparisonFigures;
}

/**
 * Evaluate every explainer of `explainers` (name → {@linkcode ExplainerFunction}) on `model` and
 * `inputs`, for the predicted classes (or `target`):
 *
 * - **sanity checks** on the first `sanityImages` images: cascading model parameter
 *   randomization and the random logit test ({@linkcode modelParameterRandomization},
 *   {@linkcode randomLogit}); a method passes a check when its mean `passMeasure` similarity
 *   falls below `passThreshold`;
 * - **faithfulness** on every image: the deletion curve (to `replacement`) and the insertion curve
 *   (from the blurred image), most relevant first ({@linkcode deletionCurve},
 *   {@linkcode insertionCurve}), with their AUC and the AOPC,
 *   {@linkcode faithfulnessCorrelation} and {@linkcode road};
 * - **complexity** on every image: {@linkcode sparseness} and {@linkcode complexity}.
 *
 * Returns the table (method × metric: mean and standard deviation over images), the verdicts,
 * the curves and randomization results, and four figures (curves, randomization grid, similarity
 * by layer, metric table), each small enough for a notebook.
 *
 * @example
 * ```ts
 * import { compareExplainers, Saliency, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: "relu" }),
 *   tf.layers.flatten(),
 *   tf.layers.dense({ units: 3 }),
 * ] });
 * const images = tf.randomUniform([4, 8, 8, 1], 0, 1, "float32", 0);
 * const result = await compareExplainers(model, {
 *   Saliency: (m, x, target) => new Saliency(m).attribute(x, { target }),
 * }, images, { showProgress: false, faithfulnessSamples: 10 });
 * console.log(result.sanity.Saliency.passesRandomization);
 * result.figures.table; // as a notebook cell's value, this shows the table
 * ```
 *
 * @throws {TypeError} when `model` is not a `tf.LayersModel`, `explainers` is empty or holds
 *   something other than functions, or an explainer returns another shape.
 * @throws {RangeError} for options out of range (named as the metric that checks them).
 */
export async function compareExplainers(
  model: tf.LayersModel,
  explainers: Readonly<Record<string, ExplainerFunction>>,
  inputs: tf.Tensor,
  options: CompareExplainersOptions = {},
): Promise<ExplainerComparison> {
  const methods = Object.keys(explainers ?? {});
  if (methods.length === 0) {
    throw metricError(
      METRIC,
      "explainers",
      "an object mapping method names to explainer functions",
      explainers,
      "Pass e.g. { Saliency: (m, x, target) => new Saliency(m).attribute(x, { target }) }.",
    );
  }
  for (const name of methods) checkRandomizationArgs(METRIC, model, explainers[name], inputs);
  const { forward } = checkRandomizationArgs(METRIC, model, explainers[methods[0]], inputs);
  const {
    softmax = true,
    nSteps = 20,
    patchSize = 1,
    replacement = 0,
    insertionReplacement = "blur",
    faithfulnessSamples = 50,
    roadPercentages = [0.1, 0.3, 0.5, 0.7, 0.9],
    independent = false,
    passMeasure = "spearman",
    passThreshold = 0.5,
    batchSize = 32,
    seed = 0,
    showProgress = true,
  } = options;
  if (!SIMILARITY_MEASURES.includes(passMeasure)) {
    throw metricError(
      METRIC,
      "passMeasure",
      `one of ${SIMILARITY_MEASURES.map((m) => `"${m}"`).join(", ")}`,
      passMeasure,
      'Pass e.g. passMeasure: "spearman".',
      true,
    );
  }
  const n = inputs.shape[0];
  const shape = inputs.shape as number[];
  const features = inputs.rank === 4
    ? Math.ceil(shape[1] / patchSize) * Math.ceil(shape[2] / patchSize)
    : inputs.size / n;
  const subsetSize = options.subsetSize ?? Math.min(224, Math.max(1, Math.floor(features / 4)));
  const target = await resolveTargets(METRIC, forward, inputs, options.target);
  const nSanity = Math.min(n, options.sanityImages ?? 16);
  const sanityInputs = nSanity === n ? inputs : inputs.slice(0, nSanity);
  const sanityTarget = target.slice(0, nSanity);
  const bar = showProgress
    ? new ProgressBar({ label: "Comparing explainers", total: methods.length * 3 })
    : undefined;
  const result: ExplainerComparison = {
    methods,
    target,
    table: [],
    sanity: {},
    curves: {},
    randomization: {},
    randomLogit: {},
    figures: undefined as unknown as ComparisonFigures,
  };
  if (independent) result.independentRandomization = {};
  const row = (method: string, metric: string, values: ArrayLike<number>, up: boolean) =>
    result.table.push({ method, metric, mean: mean(values), std: std(values), higherIsBetter: up });
  try {
    for (const [i, method] of methods.entries()) {
      const explainer = explainers[method];
      await bar?.update(3 * i, method);
      const values = await explainValues(METRIC, explainer, model, inputs, target, batchSize);
      const attr = tf.tensor(values, inputs.shape);
      try {
        const common = { target, softmax, patchSize };
        const curve = { ...common, nSteps, replacement };
        const deletion = await deletionCurve(model, inputs, attr, curve);
        const insertion = await insertionCurve(model, inputs, attr, {
          ...curve,
          replacement: insertionReplacement,
        });
        await bar?.update(3 * i + 1, method);
        const fc = await faithfulnessCorrelation(model, inputs, attr, {
          ...common,
          replacement,
          nSamples: faithfulnessSamples,
          subsetSize,
          seed,
        });
        const roadCurve = inputs.rank === 4
          ? await road(model, inputs, attr, { ...common, percentages: roadPercentages, seed })
          : undefined;
        result.curves[method] = {
          deletion,
          insertion,
          road: roadCurve ?? { fractions: [], scores: [], auc: new Float64Array(0) },
        };
        row(method, "deletion AUC (MoRF)", deletion.auc, false);
        row(method, "insertion AUC (MoRF)", insertion.auc, true);
        row(method, "AOPC (MoRF)", deletion.aopc, true);
        row(method, "faithfulness correlation", fc, true);
        if (roadCurve) row(method, "ROAD AUC (MoRF)", roadCurve.auc, false);
        row(method, "sparseness", await sparseness(attr), true);
        row(method, "complexity", await complexity(attr), false);
      } finally {
        attr.dispose();
      }
      await bar?.update(3 * i + 2, method);
      const cascade = await modelParameterRandomization(model, explainer, sanityInputs, {
        target: sanityTarget,
        seed,
        keepMaps: 1,
        batchSize,
      });
      result.randomization[method] = cascade;
      if (result.independentRandomization) {
        result.independentRandomization[method] = await modelParameterRandomization(
          model,
          explainer,
          sanityInputs,
          { target: sanityTarget, seed, mode: "independent", batchSize },
        );
      }
      const logit = await randomLogit(model, explainer, sanityInputs, {
        target: sanityTarget,
        seed,
        batchSize,
      });
      result.randomLogit[method] = logit;
      const randomizationSimilarity = mean(cascade.steps.at(-1)!.similarity[passMeasure]);
      const randomLogitSimilarity = mean(logit.similarity[passMeasure]);
      result.sanity[method] = {
        randomizationSimilarity,
        randomLogitSimilarity,
        passesRandomization: randomizationSimilarity < passThreshold,
        passesRandomLogit: randomLogitSimilarity < passThreshold,
      };
      row(
        method,
        `randomization similarity (${passMeasure})`,
        cascade.steps.at(-1)!.similarity[passMeasure],
        false,
      );
      row(method, `random-logit similarity (${passMeasure})`, logit.similarity[passMeasure], false);
    }
  } finally {
    if (sanityInputs !== inputs) sanityInputs.dispose();
  }
  await bar?.finish(`${methods.length} methods, ${n} images`);
  const pick = (key: "deletion" | "insertion") =>
    Object.fromEntries(methods.map((m) => [m, result.curves[m][key]]));
  result.figures = {
    curves: perturbationCurvesFigure([
      { title: "Deletion, most relevant first (lower is better)", curves: pick("deletion") },
      { title: "Insertion, most relevant first (higher is better)", curves: pick("insertion") },
    ], { title: `Deletion and insertion curves (mean over ${n} images)` }),
    cascade: randomizationGridFigure(result.randomization),
    similarity: similarityByLayerFigure(result.randomization),
    table: metricTableFigure(result.table, {
      title:
        `Evaluation metrics over ${n} images (sanity checks over ${nSanity}): mean ± std, darker = better`,
    }),
  };
  return result;
}
