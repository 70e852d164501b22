/**
 * The engine shared by Lime and KernelShap (Captum's LimeBase with the default interpretable
 * representation): per example, draw binary samples z over the feature groups, evaluate the model on
 * `x·z + baseline·(1 − z)` (all examples and many samples per forward pass), weight each sample,
 * fit a weighted linear surrogate, and return its coefficients broadcast to the groups.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, PerturbationBaseline } from "../types.ts";
import type { CallTarget } from "./target.ts";
import type { ResolvedFeatureMask } from "./feature_mask.ts";
import type { LinearFit } from "./linear_regression.ts";
import { evaluatePerturbations, withBaselines } from "./perturbation.ts";

/** What {@linkcode fitSurrogates} needs. */
export interface SurrogatePlan {
  method: string;
  forward: ForwardFunction;
  inputs: tf.Tensor;
  /** The `baselines` option (resolved, and disposed afterwards, by `fitSurrogates`). */
  baselines: PerturbationBaseline | undefined;
  target: CallTarget | undefined;
  mask: ResolvedFeatureMask;
  nSamples: number;
  /** Samples per forward pass; undefined for the memory-budgeted default. */
  perturbationsPerEval: number | undefined;
  /** Show the call's progress over the samples' evaluations. @default false */
  showProgress?: boolean;
  /** Draw sample `s` of an example: fill `z` (length numFeatures) with 0/1. */
  draw: (s: number, z: Float32Array) => void;
  /**
   * The weight of a sample, given z, the example's input and baseline rows and its group ids
   * (`ids[i]` is the group of element i).
   */
  similarity: (
    z: Float32Array,
    x: Float32Array,
    baseline: Float32Array,
    ids: Int32Array,
  ) => number;
  /** Fit the surrogate on rows × numFeatures samples. */
  fit: (z: Float32Array, y: Float64Array, w: Float64Array, rows: number, cols: number) => LinearFit;
}

/**
 * What distinguishes one surrogate method from another (Lime, KernelShap): how samples are drawn,
 * weighed, and fitted.
 */
export type SurrogateRule = Pick<SurrogatePlan, "draw" | "similarity" | "fit">;

/** Per-example surrogate coefficients broadcast to the inputs' shape (a new tensor). */
export function fitSurrogates(plan: SurrogatePlan): Promise<tf.Tensor> {
  return withBaselines(
    plan.method,
    plan.inputs,
    plan.baselines,
    (baselines) => fitWithBaselines(plan, baselines),
  );
}

async function fitWithBaselines(plan: SurrogatePlan, baselines: tf.Tensor): Promise<tf.Tensor> {
  const { inputs, mask, nSamples: s } = plan;
  const n = inputs.shape[0];
  const { ids, maskBatch, featureSize, numFeatures: m } = mask;
  // Samples, example-major: example e's sample k is samples[(e·S + k)·M …].
  const samples = new Float32Array(n * s * m);
  for (let e = 0; e < n; e++) {
    for (let k = 0; k < s; k++) {
      plan.draw(k, samples.subarray((e * s + k) * m, (e * s + k + 1) * m));
    }
  }
  const idsOf = (e: number) =>
    maskBatch > 1 ? ids.subarray(e * featureSize, (e + 1) * featureSize) : ids;
  const outputs = await evaluatePerturbations({
    method: plan.method,
    forward: plan.forward,
    inputs,
    replacement: baselines,
    target: plan.target,
    numPerturbations: s,
    perturbationsPerEval: plan.perturbationsPerEval,
    showProgress: plan.showProgress,
    keepBlock: (start, end) => {
      const keep = new Float32Array((end - start) * n * featureSize);
      for (let k = start; k < end; k++) {
        for (let e = 0; e < n; e++) {
          const z = samples.subarray((e * s + k) * m);
          const rowIds = idsOf(e);
          const offset = ((k - start) * n + e) * featureSize;
          for (let i = 0; i < featureSize; i++) keep[offset + i] = z[rowIds[i]];
        }
      }
      return { keep, perExample: true };
    },
  });
  const [xAll, bAll] = await Promise.all([inputs.data(), baselines.data()]) as Float32Array[];
  const attr = new Float32Array(n * featureSize);
  const y = new Float64Array(s);
  const w = new Float64Array(s);
  for (let e = 0; e < n; e++) {
    const x = xAll.subarray(e * featureSize, (e + 1) * featureSize);
    const b = bAll.subarray(e * featureSize, (e + 1) * featureSize);
    const rowIds = idsOf(e);
    const z = samples.subarray(e * s * m, (e + 1) * s * m);
    for (let k = 0; k < s; k++) {
      y[k] = outputs[k * n + e];
      w[k] = plan.similarity(z.subarray(k * m, (k + 1) * m), x, b, rowIds);
    }
    const { coef } = plan.fit(z, y, w, s, m);
    for (let i = 0; i < featureSize; i++) attr[e * featureSize + i] = coef[rowIds[i]];
  }
  return tf.tensor(attr, inputs.shape);
}
