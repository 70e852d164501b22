/**
 * Captum's `infidelity` metric: how well attributions predict the change of the output under
 * perturbations, `E_I[(Σ attr·I − (F(x) − F(x − I)))²]` per example.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelLike, Target } from "../attr/types.ts";
import { assertFloatInputs } from "../attr/_utils/errors.ts";
import { toForwardFunction } from "../attr/_utils/forward.ts";
import { rowCost } from "../attr/_utils/memory_budget.ts";
import { metricError } from "../attr/_utils/metric_errors.ts";
import { perturbationChunks } from "../attr/_utils/metric_chunks.ts";
import { callProgress } from "../attr/_utils/progress.ts";
import type { ProgressOptions } from "../attr/options.ts";
import { repeatInterleave, repeatTarget } from "../attr/_utils/repeat.ts";
import { selectTarget, validateTarget } from "../attr/_utils/target.ts";

const METRIC = "infidelity";

/** What a perturbation function receives besides the (expanded) inputs. */
export interface InfidelityPerturbContext {
  /** The baselines, expanded like the inputs when they had the inputs' batch, if given. */
  baselines?: tf.Tensor;
  /** A seed for this call's random draws (the `seed` option plus the call's index). */
  seed: number;
}

/**
 * Draws perturbations for a batch in which every example is repeated `k` times in a row
 * (`[N·k, ...]`) and returns `[perturbations I, perturbed inputs]`, both of that shape
 * (typically the perturbed inputs are `x − I`). Tensors it returns are disposed by `infidelity`.
 */
export type InfidelityPerturbFunction = (
  inputs: tf.Tensor,
  context: InfidelityPerturbContext,
) => [tf.Tensor, tf.Tensor] | Promise<[tf.Tensor, tf.Tensor]>;

/** Options of {@linkcode infidelity}. */
export interface InfidelityOptions extends ProgressOptions {
  /** The output explained (a class index, one per example, or a function of the output). */
  target?: Target;
  /** Baselines handed to the perturbation function (a tensor of the inputs' shape or batch 1). */
  baselines?: tf.Tensor;
  /** Perturbations per example. @default 10 */
  nPerturbSamples?: number;
  /**
   * Most rows (examples × perturbations) per forward pass; at least one perturbation per example.
   * @default as many rows as fit a 512 MiB budget at the model's measured cost per row (all
   * nPerturbSamples at once for small models)
   */
  maxExamplesPerBatch?: number;
  /**
   * Rescale the attributions by the least-squares factor β that best fits the output changes
   * before measuring the error (Captum's `normalize`). @default false
   */
  normalize?: boolean;
  /** Seed handed to the perturbation function (plus the batch index). @default 0 */
  seed?: number;
}

/**
 * Infidelity of `attributions` for `inputs`, one value per example (`[N]`, lower is better):
 * the mean over `nPerturbSamples` perturbations I of `(Σ attributions·I − (F(x) − F(x̃)))²` where
 * `[I, x̃] = perturbFn(x)`. With `normalize`, attributions are first scaled by
 * `β = Σ(a·b) / Σ(a²)` (a = Σ attr·I, b = the output change), as Captum.
 *
 * @example
 * ```ts
 * import { infidelity, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.mul(tf.tensor1d([1, 2])).sum(1); // linear
 * const x = tf.tensor2d([[1, 1]]);
 * const attr = tf.tensor2d([[1, 2]]); // its exact local attribution
 * const perturb = (xs: tf.Tensor, { seed }: { seed: number }) => {
 *   const noise = tf.randomNormal(xs.shape, 0, 0.1, "float32", seed);
 *   return [noise, xs.sub(noise)] as [tf.Tensor, tf.Tensor];
 * };
 * (await infidelity(model, perturb, x, attr)).print(); // ≈ [0]
 * ```
 *
 * @throws {TypeError} for attributions of another shape, or a perturbation function returning
 *   tensors of the wrong shape.
 * @throws {RangeError} for `nPerturbSamples` or `maxExamplesPerBatch` < 1.
 */
export async function infidelity(
  model: ModelLike,
  perturbFn: InfidelityPerturbFunction,
  inputs: tf.Tensor,
  attributions: tf.Tensor,
  options: InfidelityOptions = {},
): Promise<tf.Tensor1D> {
  const { target, baselines, nPerturbSamples = 10, normalize = false, seed = 0 } = options;
  const forward = toForwardFunction(METRIC, model);
  assertFloatInputs(METRIC, inputs);
  const n = inputs.shape[0];
  validateTarget(METRIC, target, n);
  if (typeof perturbFn !== "function") {
    throw metricError(
      METRIC,
      "perturbFn",
      "a function (inputs, {baselines, seed}) => [perturbations, perturbedInputs]",
      perturbFn,
      "Pass e.g. (x, {seed}) => { const I = tf.randomNormal(x.shape, 0, 0.1, 'float32', seed); " +
        "return [I, x.sub(I)]; }.",
    );
  }
  if (
    !(attributions instanceof tf.Tensor) ||
    attributions.shape.join() !== inputs.shape.join()
  ) {
    throw metricError(
      METRIC,
      "attributions",
      `a tensor of the inputs' shape [${inputs.shape.join(", ")}]`,
      attributions,
      "Pass the attributions computed for these inputs.",
    );
  }
  if (
    baselines !== undefined &&
    !(baselines instanceof tf.Tensor && baselines.rank === inputs.rank &&
      (baselines.shape[0] === 1 || baselines.shape[0] === n))
  ) {
    throw metricError(
      METRIC,
      "baselines",
      "a tensor of the inputs' shape or with batch size 1",
      baselines,
      "Pass e.g. tf.zerosLike(inputs).",
    );
  }
  const cost = rowCost(forward, inputs, "forward");
  const chunks = perturbationChunks(
    METRIC,
    nPerturbSamples,
    options.maxExamplesPerBatch,
    n,
    cost,
  );
  const fx = tf.tidy(() => selectTarget(METRIC, forward(inputs), target));
  // Per example: Σ(a − b)², or Σa², Σab, Σb² when normalizing.
  const sums = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const progress = callProgress(options.showProgress, METRIC, nPerturbSamples, "perturbations");
  let done = 0;
  try {
    for (const [call, k] of chunks.entries()) {
      const expanded = repeatInterleave(inputs, k);
      const expandedBaselines = baselines === undefined
        ? undefined
        : baselines.shape[0] === n && n > 1
        ? repeatInterleave(baselines, k)
        : baselines;
      let pair: [tf.Tensor, tf.Tensor] | undefined;
      try {
        pair = await perturbFn(expanded, { baselines: expandedBaselines, seed: seed + call });
        const ok = Array.isArray(pair) && pair.length === 2 &&
          pair.every((t) => t instanceof tf.Tensor && t.shape.join() === expanded.shape.join());
        if (!ok) {
          throw metricError(
            METRIC,
            "perturbFn's result",
            `[perturbations, perturbedInputs], two tensors of shape [${expanded.shape.join(", ")}]`,
            pair,
            "Return both tensors in the shape of the (expanded) inputs it received.",
          );
        }
        const [perturbation, perturbed] = pair;
        const [a, b] = tf.tidy(() => {
          const fp = selectTarget(METRIC, forward(perturbed), repeatTarget(target, k));
          const change = repeatInterleave(fx, k).sub(fp);
          const dot = repeatInterleave(attributions, k).mul(perturbation).reshape([n * k, -1]).sum(
            1,
          );
          return [dot.reshape([n, k]), change.reshape([n, k])];
        });
        const [av, bv] = await Promise.all([a.data(), b.data()]);
        tf.dispose([a, b]);
        for (let e = 0; e < n; e++) {
          for (let j = 0; j < k; j++) {
            const ai = av[e * k + j];
            const bi = bv[e * k + j];
            if (normalize) {
              sums[0][e] += ai * ai;
              sums[1][e] += ai * bi;
              sums[2][e] += bi * bi;
            } else {
              sums[0][e] += (ai - bi) ** 2;
            }
          }
        }
      } finally {
        if (pair) tf.dispose(pair.filter((t) => t instanceof tf.Tensor));
        expanded.dispose();
        if (expandedBaselines && expandedBaselines !== baselines) expandedBaselines.dispose();
      }
      done += k;
      await progress.advance(done);
    }
    await progress.finish();
  } finally {
    fx.dispose();
  }
  const result = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    if (normalize) {
      const beta = sums[1][e] / (sums[0][e] === 0 ? 1 : sums[0][e]);
      result[e] = (beta * beta * sums[0][e] - 2 * beta * sums[1][e] + sums[2][e]) / nPerturbSamples;
    } else {
      result[e] = sums[0][e] / nPerturbSamples;
    }
  }
  return tf.tensor1d(result);
}
