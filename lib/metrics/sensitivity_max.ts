/**
 * Captum's `sensitivity_max` metric: the largest relative change of an explanation under small
 * input perturbations.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Target } from "../attr/types.ts";
import { assertFloatInputs } from "../attr/_utils/errors.ts";
import { metricError } from "../attr/_utils/metric_errors.ts";
import { perturbationChunks } from "../attr/_utils/metric_chunks.ts";
import { callProgress } from "../attr/_utils/progress.ts";
import type { ProgressOptions } from "../attr/options.ts";
import { repeatInterleave, repeatTarget } from "../attr/_utils/repeat.ts";
import { validateTarget } from "../attr/_utils/target.ts";

const METRIC = "sensitivityMax";

/** What `sensitivityMax` hands to the explanation function besides the inputs. */
export interface ExplanationArgs {
  /** The target, repeated for the expanded batch, when given. */
  target?: Target;
  /** The baselines, repeated for the expanded batch when they had the inputs' shape, if given. */
  baselines?: tf.Tensor | number;
}

/**
 * An explanation (attribution) function, e.g.
 * `(x, { target }) => new Saliency(model).attribute(x, { target })`. Its results are disposed by
 * `sensitivityMax`.
 */
export type ExplanationFunction = (
  inputs: tf.Tensor,
  args: ExplanationArgs,
) => tf.Tensor | Promise<tf.Tensor>;

/** Options of {@linkcode sensitivityMax}. */
export interface SensitivityMaxOptions extends ProgressOptions {
  /** Radius of the L∞ ball the default perturbation samples uniformly from. @default 0.02 */
  perturbRadius?: number;
  /** Perturbations per example. @default 10 */
  nPerturbSamples?: number;
  /** The norm: "fro" (Euclidean over all elements) or "inf" (largest absolute value). @default "fro" */
  normOrd?: "fro" | "inf";
  /**
   * Most rows (examples × perturbations) per call of the explanation function; at least one
   * perturbation per example. The explanation method batches its own passes (its
   * `internalBatchSize` defaults to a memory budget), so this only bounds the rows per call.
   * @default all nPerturbSamples at once
   */
  maxExamplesPerBatch?: number;
  /**
   * Custom perturbation: `(inputs, radius, seed) => perturbed inputs` of the same shape.
   * @default `x + U(−perturbRadius, perturbRadius)` per element, seeded
   */
  perturbFn?: (inputs: tf.Tensor, radius: number, seed: number) => tf.Tensor;
  /** Seed of the perturbations (plus the batch index). @default 0 */
  seed?: number;
  /** Passed to the explanation function (expanded with the batch). */
  target?: Target;
  /** Passed to the explanation function (expanded with the batch when of the inputs' shape). */
  baselines?: tf.Tensor | number;
}

/**
 * Sensitivity of an explanation, one value per example (`[N]`, lower is better): the maximum over
 * `nPerturbSamples` perturbed inputs x + δ of `‖e(x) − e(x + δ)‖ / ‖e(x)‖` (a zero ‖e(x)‖ counts as 1),
 * as Captum's `sensitivity_max`.
 *
 * @example
 * ```ts
 * import { Saliency, sensitivityMax, tf } from "../mod.ts";
 * const saliency = new Saliency((x: tf.Tensor) => x.square().sum(1, true));
 * const x = tf.tensor2d([[1, 2]]);
 * const s = await sensitivityMax((xs) => saliency.attribute(xs), x);
 * s.print(); // ≲ 0.02 · √2 / √5 (gradients 2x change by at most 2·0.02 per element)
 * ```
 *
 * @throws {TypeError} for an explanation function returning a tensor of another batch size.
 * @throws {RangeError} for `nPerturbSamples` < 1 or a negative `perturbRadius`.
 */
export async function sensitivityMax(
  explanationFn: ExplanationFunction,
  inputs: tf.Tensor,
  options: SensitivityMaxOptions = {},
): Promise<tf.Tensor1D> {
  const {
    perturbRadius = 0.02,
    nPerturbSamples = 10,
    normOrd = "fro",
    seed = 0,
    target,
    baselines,
  } = options;
  assertFloatInputs(METRIC, inputs);
  const n = inputs.shape[0];
  validateTarget(METRIC, target, n);
  if (typeof explanationFn !== "function") {
    throw metricError(
      METRIC,
      "explanationFn",
      "a function (inputs, {target, baselines}) => attributions",
      explanationFn,
      "Pass e.g. (x, {target}) => new Saliency(model).attribute(x, {target}).",
    );
  }
  if (typeof perturbRadius !== "number" || !(perturbRadius >= 0) || !isFinite(perturbRadius)) {
    throw metricError(
      METRIC,
      "perturbRadius",
      "a finite number >= 0",
      perturbRadius,
      "Pass e.g. 0.02.",
      true,
    );
  }
  if (normOrd !== "fro" && normOrd !== "inf") {
    throw metricError(METRIC, "normOrd", '"fro" or "inf"', normOrd, 'Pass "fro".', true);
  }
  const chunks = perturbationChunks(METRIC, nPerturbSamples, options.maxExamplesPerBatch, n);
  const norm = (t: tf.Tensor) =>
    normOrd === "fro"
      ? t.square().reshape([t.shape[0], -1]).sum(1).sqrt()
      : t.abs().reshape([t.shape[0], -1]).max(1);
  const explain = async (x: tf.Tensor, args: ExplanationArgs, rows: number) => {
    const e = await explanationFn(x, args);
    if (!(e instanceof tf.Tensor) || e.shape[0] !== rows) {
      if (e instanceof tf.Tensor) e.dispose();
      throw metricError(
        METRIC,
        "explanationFn's result",
        `a tensor with one row per input (batch ${rows})`,
        e,
        "Return the attributions of the inputs it received.",
      );
    }
    return e;
  };
  const args: ExplanationArgs = {};
  if (target !== undefined) args.target = target;
  if (baselines !== undefined) args.baselines = baselines;
  const explained = await explain(inputs, args, n);
  const best = new Float64Array(n).fill(-Infinity);
  try {
    const baseNorm = tf.tidy(() => {
      const v = norm(explained);
      return tf.where(v.equal(0), tf.onesLike(v), v);
    });
    const progress = callProgress(options.showProgress, METRIC, nPerturbSamples, "perturbations");
    let done = 0;
    try {
      for (const [call, k] of chunks.entries()) {
        const expanded = repeatInterleave(inputs, k);
        let perturbed: tf.Tensor | undefined;
        let explainedPerturbed: tf.Tensor | undefined;
        const expandedBaselines = baselines instanceof tf.Tensor &&
            baselines.shape.join() === inputs.shape.join()
          ? repeatInterleave(baselines, k)
          : undefined;
        try {
          perturbed = options.perturbFn
            ? options.perturbFn(expanded, perturbRadius, seed + call)
            : tf.tidy(() =>
              expanded.add(
                tf.randomUniform(
                  expanded.shape,
                  -perturbRadius,
                  perturbRadius,
                  "float32",
                  seed + call,
                ),
              )
            );
          if (
            !(perturbed instanceof tf.Tensor) || perturbed.shape.join() !== expanded.shape.join()
          ) {
            throw metricError(
              METRIC,
              "perturbFn's result",
              `a tensor of shape [${expanded.shape.join(", ")}]`,
              perturbed,
              "Return the perturbed inputs in the shape received.",
            );
          }
          const chunkArgs: ExplanationArgs = {};
          if (target !== undefined) chunkArgs.target = repeatTarget(target, k);
          if (baselines !== undefined) chunkArgs.baselines = expandedBaselines ?? baselines;
          explainedPerturbed = await explain(perturbed, chunkArgs, n * k);
          const ep = explainedPerturbed;
          const ratios = tf.tidy(() => {
            const diff = repeatInterleave(explained, k).sub(
              ep.reshape([n * k, ...explained.shape.slice(1)]),
            );
            return norm(diff).div(repeatInterleave(baseNorm, k));
          });
          const values = await ratios.data();
          ratios.dispose();
          for (let e = 0; e < n; e++) {
            for (let j = 0; j < k; j++) best[e] = Math.max(best[e], values[e * k + j]);
          }
        } finally {
          expanded.dispose();
          expandedBaselines?.dispose();
          if (perturbed instanceof tf.Tensor && perturbed !== expanded) perturbed.dispose();
          explainedPerturbed?.dispose();
        }
        done += k;
        await progress.advance(done);
      }
      await progress.finish();
    } finally {
      baseNorm.dispose();
    }
  } finally {
    explained.dispose();
  }
  return tf.tensor1d(Float32Array.from(best));
}
