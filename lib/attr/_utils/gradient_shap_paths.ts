/**
 * The random paths of GradientShap and LayerGradientShap: the same checks, the same draws in the
 * same order, and the same chunking; only the per-path contribution differs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { PathAttributions } from "../attribution.ts";
import type { SamplingOptions } from "../options.ts";
import type { ForwardFunction, Target } from "../types.ts";
import { assertBaselineDistribution } from "./baselines.ts";
import { rowChunks } from "./batching.ts";
import { assertInteger, assertNumber } from "./errors.ts";
import { type RowCost, rowCost } from "./memory_budget.ts";
import { SeededRandom } from "./seeded_random.ts";
import { repeatInterleave, repeatTarget } from "./repeat.ts";
import { type CallTarget, sliceTarget } from "./target.ts";

/** GradientShap's options with every default filled in. */
export interface ResolvedSamplingOptions<T extends CallTarget = CallTarget> {
  target?: T;
  baselines: tf.Tensor;
  nSamples: number;
  /** One standard deviation, or one per column of packed inputs (see `multi_input.ts`). */
  stdevs: number | Float32Array;
  seed: number;
  internalBatchSize?: number;
  /** What one row costs, for the default `internalBatchSize` and the heap check. */
  cost?: RowCost;
}

/**
 * Check GradientShap's baseline distribution, `nSamples`, `stdevs` and `seed` (the inputs and
 * target are checked by the caller first) and fill in the defaults; with `forward`, measure what
 * one row costs (see `memory_budget.ts`).
 */
export function resolveSamplingOptions<T extends CallTarget = Target>(
  method: string,
  inputs: tf.Tensor,
  options:
    | Omit<SamplingOptions, "stdevs"> & {
      target?: T;
      baselines: tf.Tensor;
      stdevs?: number | Float32Array;
    }
    | undefined,
  forward?: ForwardFunction,
): ResolvedSamplingOptions<T> {
  const { target, nSamples = 5, stdevs = 0, seed = 0, internalBatchSize } = options ?? {};
  assertBaselineDistribution(method, inputs, options?.baselines);
  assertInteger(method, "nSamples", nSamples);
  // Per-column stdevs were checked per input when the inputs were packed.
  if (!(stdevs instanceof Float32Array)) assertNumber(method, "stdevs", stdevs, 0);
  assertNumber(method, "seed", seed);
  const cost = forward ? rowCost(forward, inputs, "gradient") : undefined;
  return { baselines: options!.baselines, target, nSamples, stdevs, seed, internalBatchSize, cost };
}

/**
 * Draw `nSamples` paths per example (example-major): noisy inputs x̃ = x + N(0, stdevs²), a
 * baseline row b picked uniformly with replacement and α ~ U(0, 1); then, chunk by chunk of
 * `internalBatchSize` rows, `contribution(x̃, b, b + α(x̃ − b), target)`. Returns the
 * contributions `[N·nSamples, ...]` with the baselines and noisy inputs as the paths' ends.
 */
export function gradientShapPaths<T extends CallTarget = Target>(
  method: string,
  inputs: tf.Tensor,
  options: ResolvedSamplingOptions<T>,
  contribution: (x: tf.Tensor, b: tf.Tensor, point: tf.Tensor, target?: T | number[]) => tf.Tensor,
): PathAttributions {
  const { target, nSamples, stdevs, seed, internalBatchSize, cost } = options;
  const rows = inputs.shape[0] * nSamples;
  const chunks = rowChunks(method, rows, internalBatchSize, cost);
  const rowShape = inputs.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const random = new SeededRandom(seed);
  const noise = typeof stdevs === "number"
    ? random.normals(rows * rowSize, stdevs)
    : random.normals(rows * rowSize, 1).map((z, i) => z * stdevs[i % rowSize]);
  const numBaselines = options.baselines.shape[0];
  const picks = Int32Array.from({ length: rows }, () => random.int(numBaselines));
  const alphas = Float32Array.from({ length: rows }, () => random.next());
  return tf.tidy(() => {
    const repeated = repeatInterleave(inputs, nSamples);
    // No noise to add when stdevs is 0 (normals() is all zeros then).
    const noisy = stdevs === 0 ? repeated : repeated.add(tf.tensor(noise, [rows, ...rowShape]));
    const baselines = tf.gather(options.baselines.toFloat(), tf.tensor1d(picks, "int32"));
    const expandedTarget = repeatTarget(target, nSamples);
    const parts = chunks.map(([start, end]) =>
      tf.tidy(() => {
        const size = end - start;
        const begin = [start, ...rowShape.map(() => 0)];
        const shape = [size, ...rowShape];
        const whole = size === rows;
        const x = whole ? noisy : noisy.slice(begin, shape);
        const b = whole ? baselines : baselines.slice(begin, shape);
        const a = tf.tensor(alphas.subarray(start, end), [size, ...rowShape.map(() => 1)]);
        return contribution(x, b, b.add(a.mul(x.sub(b))), sliceTarget(expandedTarget, start, size));
      })
    );
    const attributions = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    return { attributions, baselines, endPoints: noisy, pathsPerExample: nSamples };
  });
}
