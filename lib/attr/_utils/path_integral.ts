/**
 * The Riemann/Gauss–Legendre sum of a straight-line path integral of gradients, chunk by chunk:
 * the loop IntegratedGradients runs on the main thread and on its workers (the same code, so the
 * same numerics).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { ranges } from "./batching.ts";
import { sumOverChunks } from "./chunk_sum.ts";
import { stepPoints, weightedStepSum } from "./path_steps.ts";
import type { CallProgress } from "./progress.ts";
import { type CallTarget, expandTarget } from "./target.ts";
import type { AffineEntry } from "./affine_entry.ts";

/** ∂F/∂z[target] for a batch of rows `z` (a new tensor the caller disposes). */
export type RowGradients = (rows: tf.Tensor, target: CallTarget | undefined) => tf.Tensor;

/** One share of a path integral's steps. */
export interface StepShare {
  /** Each step's position on the path, in [0, 1]. */
  alphas: readonly number[];
  /** Each step's weight. */
  weights: readonly number[];
  /** Steps per forward/backward pass (each pass holds that many times N rows). */
  stepsPerChunk: number;
}

/**
 * `Σₖ wₖ · gradients(start + αₖ·diff)` over the steps of `share`, `share.stepsPerChunk` steps per
 * pass, rows step-major as Captum expands them; `target` is per example (expanded per step here).
 * With `relu`, the gradients are taken at `relu(start + αₖ·diff)` and ReLU's derivative at each
 * point is folded into the sum: the integral of the gradient at the ReLU's input.
 * `start` and `diff` are `[N, ...]`; returns `[N, ...]`, which the caller disposes. `progress`
 * advances by steps of the share.
 */
export function integrateSteps(
  gradients: RowGradients,
  start: tf.Tensor,
  diff: tf.Tensor,
  share: StepShare,
  target: CallTarget | undefined,
  progress?: CallProgress,
  relu = false,
): Promise<tf.Tensor> {
  const n = start.shape[0];
  return sumOverChunks(ranges(share.alphas.length, share.stepsPerChunk), (s, e) => {
    const alphas = share.alphas.slice(s, e);
    const rows = stepPoints(start, diff, alphas, relu);
    const grads = gradients(rows, expandTarget(target, e - s));
    const mask = relu ? { start, diff, alphas } : undefined;
    return weightedStepSum(grads, share.weights.slice(s, e), n, mask);
  }, progress);
}

/** The space a path integral's steps are taken in: the model's inputs, or its entry layer's output. */
export interface PathSpace {
  /** ∂F/∂x[target] for a batch of model inputs. */
  gradients: RowGradients;
  /** When set, steps are taken in this layer's output space (see `affine_entry.ts`). */
  entry?: AffineEntry;
  /** The attribution method, for error messages. */
  method: string;
}

/**
 * `Σₖ wₖ ∂F/∂x` at `start + αₖ·diff` over the steps of `share`, as {@linkcode integrateSteps},
 * for inputs `start` and `diff` (`[N, ...]`). With an affine entry layer `h = W·x + c` the steps
 * run in its output space, from `h(start)` along `h(start + diff) − h(start)`, and `Wᵀ` is applied
 * to the sum once: the same integral up to float rounding. Returns `[N, ...]` of the inputs'
 * shape, which the caller disposes.
 */
export async function integrateGradients(
  space: PathSpace,
  start: tf.Tensor,
  diff: tf.Tensor,
  share: StepShare,
  target: CallTarget | undefined,
  progress?: CallProgress,
): Promise<tf.Tensor> {
  const { entry, method } = space;
  if (entry === undefined) {
    return await integrateSteps(space.gradients, start, diff, share, target, progress);
  }
  const [hStart, hDiff] = tf.tidy(() => {
    const h = entry.apply(start);
    return [h, entry.apply(start.add(diff)).sub(h)];
  });
  let sum: tf.Tensor | undefined;
  try {
    const gradients: RowGradients = (rows, t) => entry.gradients(method, rows, t);
    sum = await integrateSteps(gradients, hStart, hDiff, share, target, progress, entry.relu);
    return entry.transpose(sum, start.shape.slice(1));
  } finally {
    tf.dispose([hStart, hDiff, sum!]);
  }
}
