/**
 * The shared engine of the perturbation methods: evaluate the model on many perturbed copies of a
 * batch, several perturbations per forward pass, and bring the selected outputs to the host.
 *
 * A perturbation is described by a "keep" factor per element: the perturbed input is
 * `replacement + (inputs − replacement) · keep`, so `keep = 1` keeps the input and `keep = 0`
 * replaces it (by the baseline, or by another example for FeaturePermutation).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, PerturbationBaseline } from "../types.ts";
import { resolveBaselines } from "./baselines.ts";
import { assertInteger, assertNumber } from "./errors.ts";
import { type ResolvedFeatureMask, resolveFeatureMask } from "./feature_mask.ts";
import { assertChunkFits, budgetRows, rowCost } from "./memory_budget.ts";
import { callProgress } from "./progress.ts";
import { type CallTarget, expandTarget, runForward, selectTarget } from "./target.ts";

/**
 * The most rows per forward pass used when `perturbationsPerEval` is not given: perturbations are
 * grouped so that one forward pass sees about this many rows, fewer when they would not fit the
 * memory budget (see `memory_budget.ts`). Captum's default is one perturbation per pass; results
 * do not depend on the grouping, only speed and memory do.
 */
export const DEFAULT_ROWS_PER_EVAL = 128;

/**
 * `perturbationsPerEval` validated; undefined stays undefined (the default is chosen by
 * {@linkcode evaluatePerturbations}, which knows the model's cost per row).
 */
export function resolvePerturbationsPerEval(
  method: string,
  perturbationsPerEval: number | undefined,
  _numExamples?: number,
): number | undefined {
  if (perturbationsPerEval === undefined) return undefined;
  assertInteger(method, "perturbationsPerEval", perturbationsPerEval);
  return perturbationsPerEval;
}

/**
 * The perturbations per forward pass: `perturbationsPerEval` when given, else as many as make
 * {@linkcode DEFAULT_ROWS_PER_EVAL} rows or fit the memory budget, whichever is fewer (at least
 * one). Throws a `RangeError` naming `perturbationsPerEval` when a pass would not fit the heap.
 */
export function perturbationsPerPass(
  method: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  perturbationsPerEval: number | undefined,
  numPerturbations: number,
): number {
  const n = inputs.shape[0];
  const cost = rowCost(forward, inputs, "forward");
  const rows = Math.min(DEFAULT_ROWS_PER_EVAL, budgetRows(cost));
  const perPass = perturbationsPerEval ?? Math.max(1, Math.floor(rows / n));
  assertChunkFits(method, cost, {
    option: "perturbationsPerEval",
    received: perturbationsPerEval,
    rows: Math.min(perPass, numPerturbations) * n,
    rowsPerUnit: n,
  });
  return perPass;
}

/** The keep factors of perturbations `[start, end)`. */
export interface KeepBlock {
  /**
   * `(end − start) × (perExample ? N : 1) × featureSize` factors, perturbation-major, each row in
   * the inputs' element order.
   */
  keep: Float32Array;
  /** Whether each example has its own factors (else one row is shared by the batch). */
  perExample: boolean;
}

/** What {@linkcode evaluatePerturbations} needs. */
export interface PerturbationPlan {
  method: string;
  forward: ForwardFunction;
  /** The inputs `[N, ...]`. */
  inputs: tf.Tensor;
  /** The replacement values, broadcastable to the inputs (e.g. resolved baselines). */
  replacement?: tf.Tensor;
  /**
   * Replacement values per perturbation, `[(end − start) · N, ...]` perturbation-major
   * (e.g. permuted examples); used instead of `replacement` when given. Called inside `tf.tidy`.
   */
  replacementRows?: (start: number, end: number) => tf.Tensor;
  target: CallTarget | undefined;
  numPerturbations: number;
  /** Perturbations per forward pass; undefined for the default of {@linkcode perturbationsPerPass}. */
  perturbationsPerEval: number | undefined;
  keepBlock: (start: number, end: number) => KeepBlock;
  /** Show the call's progress over the perturbations. @default false */
  showProgress?: boolean;
}

/**
 * Evaluate all perturbations; returns the selected output per perturbation and example,
 * `numPerturbations × N` values, perturbation-major. Nothing is left allocated.
 */
export async function evaluatePerturbations(plan: PerturbationPlan): Promise<Float32Array> {
  const { method, forward, inputs, target, numPerturbations } = plan;
  const n = inputs.shape[0];
  const perturbationsPerEval = perturbationsPerPass(
    method,
    forward,
    inputs,
    plan.perturbationsPerEval,
    numPerturbations,
  );
  const rowShape = inputs.shape.slice(1);
  const out = new Float32Array(numPerturbations * n);
  const progress = callProgress(plan.showProgress, method, numPerturbations, "perturbations");
  for (let start = 0; start < numPerturbations; start += perturbationsPerEval) {
    const end = Math.min(numPerturbations, start + perturbationsPerEval);
    const count = end - start;
    const values = tf.tidy(() => {
      const { keep, perExample } = plan.keepBlock(start, end);
      const keepT = tf.tensor(keep, [count, perExample ? n : 1, ...rowShape]);
      let perturbed: tf.Tensor;
      if (plan.replacementRows) {
        const repl = plan.replacementRows(start, end).reshape([count, n, ...rowShape]);
        perturbed = repl.add(inputs.expandDims(0).sub(repl).mul(keepT));
      } else {
        const repl = plan.replacement ?? tf.scalar(0);
        const diff = inputs.sub(repl).expandDims(0);
        perturbed = repl.add(diff.mul(keepT));
      }
      perturbed = perturbed.reshape([count * n, ...rowShape]);
      const rowsTarget = expandTarget(target, count);
      return selectTarget(method, runForward(forward, perturbed, rowsTarget), rowsTarget);
    });
    try {
      out.set(await values.data(), start * n);
    } finally {
      values.dispose();
    }
    await progress.advance(end);
  }
  await progress.finish();
  return out;
}

/** The selected output for each example of `x`, on the host (`N` values). */
export async function evaluateTarget(
  method: string,
  forward: ForwardFunction,
  x: tf.Tensor,
  target: CallTarget | undefined,
): Promise<Float32Array> {
  const values = tf.tidy(() => selectTarget(method, runForward(forward, x, target), target));
  try {
    return (await values.data()) as Float32Array;
  } finally {
    values.dispose();
  }
}

/**
 * Attributions of the inputs' shape from one value per example and feature: element i of example
 * e gets `value(e, p)` where `p` is the index, in `mask.present`, of the element's group.
 */
export function broadcastToFeatures(
  mask: ResolvedFeatureMask,
  inputs: tf.Tensor,
  value: (example: number, p: number) => number,
): tf.Tensor {
  const { ids, maskBatch, featureSize, present } = mask;
  const n = inputs.shape[0];
  const slot = new Int32Array(mask.numFeatures).fill(-1);
  present.forEach((f, p) => (slot[f] = p));
  const attr = new Float32Array(n * featureSize);
  for (let e = 0; e < n; e++) {
    const row = maskBatch > 1 ? e : 0;
    for (let i = 0; i < featureSize; i++) {
      attr[e * featureSize + i] = value(e, slot[ids[row * featureSize + i]]);
    }
  }
  return tf.tensor(attr, inputs.shape);
}

/** What {@linkcode ablateEachFeature} needs: a perturbation plan without the keep factors. */
export type AblationPlan = Omit<PerturbationPlan, "numPerturbations" | "keepBlock"> & {
  mask: ResolvedFeatureMask;
};

/**
 * FeatureAblation's and FeaturePermutation's core: replace one feature group at a time and give
 * each element its group's drop in the target output, `F(x) − F(x with the group replaced)`.
 */
export async function ablateEachFeature(plan: AblationPlan): Promise<tf.Tensor> {
  const { mask, ...rest } = plan;
  const { ids, maskBatch, featureSize, present, starts, members } = mask;
  const n = plan.inputs.shape[0];
  const initial = await evaluateTarget(plan.method, plan.forward, plan.inputs, plan.target);
  const outputs = await evaluatePerturbations({
    ...rest,
    numPerturbations: present.length,
    keepBlock: (start, end) => {
      const keep = new Float32Array((end - start) * maskBatch * featureSize).fill(1);
      for (let p = start; p < end; p++) {
        const f = present[p];
        const offset = (p - start) * ids.length;
        for (let k = starts[f]; k < starts[f + 1]; k++) keep[offset + members[k]] = 0;
      }
      return { keep, perExample: maskBatch > 1 };
    },
  });
  return broadcastToFeatures(mask, plan.inputs, (e, p) => initial[e] - outputs[p * n + e]);
}

/** A perturbation method's feature groups and chunk size. */
export interface ResolvedPerturbation {
  mask: ResolvedFeatureMask;
  /** Perturbations per forward pass; undefined for the memory-budget default. */
  perturbationsPerEval: number | undefined;
}

/**
 * The feature mask and `perturbationsPerEval` of a feature-group perturbation method, validated
 * (see {@linkcode resolveFeatureMask} and {@linkcode resolvePerturbationsPerEval}).
 */
export function resolveFeaturePerturbation(
  method: string,
  inputs: tf.Tensor,
  options: { featureMask?: tf.Tensor; perturbationsPerEval?: number },
  shiftToZero = false,
): ResolvedPerturbation {
  const mask = resolveFeatureMask(method, inputs, options.featureMask, shiftToZero);
  const perturbationsPerEval = resolvePerturbationsPerEval(
    method,
    options.perturbationsPerEval,
    inputs.shape[0],
  );
  return { mask, perturbationsPerEval };
}

/**
 * Run `use` with the resolved baselines (a new tensor of the inputs' shape, default zeros; see
 * {@linkcode resolveBaselines}), disposing them afterwards, even when `use` throws.
 */
export async function withBaselines<T>(
  method: string,
  inputs: tf.Tensor,
  baselines: PerturbationBaseline | undefined,
  use: (baselines: tf.Tensor) => Promise<T>,
): Promise<T> {
  const resolved = resolveBaselines(method, inputs, baselines);
  try {
    return await use(resolved);
  } finally {
    resolved.dispose();
  }
}

/** Validate the sampling options of a random perturbation method: `nSamples` ≥ 1 and `seed`. */
export function assertSamplingOptions(method: string, nSamples: number, seed: number): void {
  assertInteger(method, "nSamples", nSamples);
  assertNumber(method, "seed", seed);
}
