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
import type { ForwardFunction, Target } from "../types.ts";
import { assertInteger } from "./errors.ts";
import { expandTarget, selectTarget } from "./target.ts";

/**
 * Rows per forward pass used when `perturbationsPerEval` is not given: perturbations are grouped
 * so that one forward pass sees about this many rows (Captum's default is one perturbation per
 * pass; results do not depend on the grouping, only speed and memory do).
 */
export const DEFAULT_ROWS_PER_EVAL = 128;

/** `perturbationsPerEval` validated, or the default for `numExamples` examples. */
export function resolvePerturbationsPerEval(
  method: string,
  perturbationsPerEval: number | undefined,
  numExamples: number,
): number {
  if (perturbationsPerEval === undefined) {
    return Math.max(1, Math.floor(DEFAULT_ROWS_PER_EVAL / numExamples));
  }
  assertInteger(method, "perturbationsPerEval", perturbationsPerEval);
  return perturbationsPerEval;
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
  target: Target | undefined;
  numPerturbations: number;
  perturbationsPerEval: number;
  keepBlock: (start: number, end: number) => KeepBlock;
}

/**
 * Evaluate all perturbations; returns the selected output per perturbation and example,
 * `numPerturbations × N` values, perturbation-major. Nothing is left allocated.
 */
export async function evaluatePerturbations(plan: PerturbationPlan): Promise<Float32Array> {
  const { method, forward, inputs, target, numPerturbations, perturbationsPerEval } = plan;
  const n = inputs.shape[0];
  const rowShape = inputs.shape.slice(1);
  const out = new Float32Array(numPerturbations * n);
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
      return selectTarget(method, forward(perturbed), expandTarget(target, count));
    });
    try {
      out.set(await values.data(), start * n);
    } finally {
      values.dispose();
    }
  }
  return out;
}

/** The selected output for each example of `x`, on the host (`N` values). */
export async function evaluateTarget(
  method: string,
  forward: ForwardFunction,
  x: tf.Tensor,
  target: Target | undefined,
): Promise<Float32Array> {
  const values = tf.tidy(() => selectTarget(method, forward(x), target));
  try {
    return (await values.data()) as Float32Array;
  } finally {
    values.dispose();
  }
}
