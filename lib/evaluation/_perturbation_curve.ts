/**
 * Private: the deletion and insertion curves behind `deletionCurve` and `insertionCurve`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, ModelLike } from "../attr/types.ts";
import { assertMetricInteger, metricError } from "../attr/_utils/metric_errors.ts";
import { gaussianBlur } from "./_blur.ts";
import { assertOrder, featureGroups, groupRelevance, orderFeatures } from "./_feature_groups.ts";
import { hostValues, metricBatchSize, type ScoreOptions, scoreRows } from "./_scores.ts";
import { trapezoid } from "./_statistics.ts";
import { perturbationMetricSetup } from "./_validate.ts";
import type { PerturbationCurve, PerturbationCurveOptions } from "./perturbation_curve.ts";

/** The replacement values of every example (`[N, ...]` host values). */
export function replacementValues(
  metric: string,
  values: Float32Array,
  shape: readonly number[],
  replacement: number | "blur",
  blurSigma: number,
): Float32Array {
  if (replacement === "blur") {
    if (shape.length !== 4) {
      throw metricError(
        metric,
        "replacement",
        'a number for inputs that are not NHWC images ("blur" needs [N, H, W, C])',
        replacement,
        "Pass e.g. replacement: 0.",
        true,
      );
    }
    if (!(typeof blurSigma === "number" && blurSigma > 0)) {
      throw metricError(
        metric,
        "blurSigma",
        "a positive number of pixels",
        blurSigma,
        "Pass e.g. blurSigma: 2.",
        true,
      );
    }
    const [n, h, w, c] = shape;
    return gaussianBlur(values, n, h, w, c, blurSigma);
  }
  if (typeof replacement !== "number" || !Number.isFinite(replacement)) {
    throw metricError(
      metric,
      "replacement",
      'a finite number or "blur"',
      replacement,
      'Pass e.g. replacement: 0 (black) or replacement: "blur".',
      true,
    );
  }
  return new Float32Array(values.length).fill(replacement);
}

/** A deletion (`insert = false`) or insertion curve. */
export async function perturbationCurve(
  metric: string,
  insert: boolean,
  model: ModelLike,
  inputs: tf.Tensor,
  attributions: tf.Tensor,
  options: PerturbationCurveOptions,
): Promise<PerturbationCurve> {
  const { order = "morf", replacement = 0, blurSigma = 2, nSteps = 20 } = options;
  const setup = perturbationMetricSetup(metric, model, inputs, attributions, options);
  const { forward, target, patchSize, softmax } = setup;
  assertOrder(metric, order);
  assertMetricInteger(metric, "nSteps", nSteps, 1);
  const batchSize = metricBatchSize(metric, forward, inputs, options.batchSize);
  const groups = featureGroups(metric, inputs.shape, patchSize);
  const steps = Math.min(nSteps, groups.count);
  const n = inputs.shape[0];
  const size = groups.size;
  const [x, a] = await hostValues(inputs, attributions);
  const fill = replacementValues(metric, x, inputs.shape, replacement, blurSigma);
  const points = steps + 1;
  const rows = new Float32Array(n * points * size);
  const exampleOf: number[] = [];
  for (let e = 0; e < n; e++) {
    const off = e * size;
    const ranked = orderFeatures(groupRelevance(groups, a, off), order);
    const from = insert ? fill : x, to = insert ? x : fill;
    const row = from.slice(off, off + size);
    let done = 0;
    for (let k = 0; k < points; k++) {
      const upTo = Math.round((k * groups.count) / steps);
      for (; done < upTo; done++) {
        for (const m of groups.members[ranked[done]]) row[m] = to[off + m];
      }
      rows.set(row, (e * points + k) * size);
      exampleOf.push(e);
    }
  }
  const fractions = Array.from({ length: points }, (_, k) => k / steps);
  return await scoreCurve(metric, forward, rows, inputs.shape, exampleOf, fractions, {
    target,
    softmax,
    batchSize,
  });
}

/**
 * The curve of `rows`, perturbed copies of `inputs` (`[N, ...]`), `fractions.length` consecutive
 * rows per example, row `r` explaining example `exampleOf[r]`: the scores per example and the
 * area under each over `fractions`.
 */
export async function scoreCurve(
  metric: string,
  forward: ForwardFunction,
  rows: Float32Array,
  inputShape: readonly number[],
  exampleOf: readonly number[],
  fractions: number[],
  options: ScoreOptions,
): Promise<PerturbationCurve> {
  const scores = await scoreRows(metric, forward, rows, inputShape.slice(1), exampleOf, options);
  const n = inputShape[0], points = fractions.length;
  const perExample: Float64Array[] = [];
  const auc = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    perExample.push(scores.slice(e * points, (e + 1) * points));
    auc[e] = trapezoid(fractions, perExample[e]);
  }
  return { fractions, scores: perExample, auc };
}
