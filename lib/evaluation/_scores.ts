/**
 * Private: the model's score for the explained output on many perturbed copies of the inputs,
 * built on the host and evaluated in chunks of rows.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, Target } from "../attr/types.ts";
import { budgetRows, rowCost } from "../attr/_utils/memory_budget.ts";
import { assertMetricInteger } from "../attr/_utils/metric_errors.ts";
import { selectTarget } from "../attr/_utils/target.ts";
import { metricTarget } from "./_validate.ts";

/** How the scores are read. */
export interface ScoreOptions {
  /** The explained output. */
  target?: Target;
  /** Apply a softmax over the output's last axis before selecting the target. */
  softmax: boolean;
  /** Rows per forward pass. */
  batchSize: number;
}

/**
 * The rows per forward pass: `batchSize` when given (checked), else what fits the memory budget,
 * at most 256.
 */
export function metricBatchSize(
  metric: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  batchSize: number | undefined,
): number {
  const rows = batchSize ?? Math.min(256, budgetRows(rowCost(forward, inputs, "forward")));
  assertMetricInteger(metric, "batchSize", rows, 1);
  return rows;
}

/** The host values of `inputs` and of their `attributions`. */
export async function hostValues(
  inputs: tf.Tensor,
  attributions: tf.Tensor,
): Promise<[Float32Array, Float32Array]> {
  return await Promise.all([inputs.data(), attributions.data()]) as [Float32Array, Float32Array];
}

/** The target of rows whose example indices are `examples`. */
function rowTarget(target: Target | undefined, examples: readonly number[]): Target | undefined {
  if (target === undefined || typeof target === "number" || typeof target === "function") {
    return target;
  }
  return examples.map((e) => target[e]);
}

/**
 * Scores of `rows` (host values, `rows.length / rowSize` rows of `rowShape`), row `r` explaining
 * example `exampleOf[r]`.
 */
export async function scoreRows(
  metric: string,
  forward: ForwardFunction,
  rows: Float32Array,
  rowShape: readonly number[],
  exampleOf: readonly number[],
  options: ScoreOptions,
): Promise<Float64Array> {
  const rowSize = rowShape.reduce((p, d) => p * d, 1);
  const total = exampleOf.length;
  const out = new Float64Array(total);
  for (let start = 0; start < total; start += options.batchSize) {
    const end = Math.min(total, start + options.batchSize);
    const scores = tf.tidy(() => {
      const x = tf.tensor(rows.subarray(start * rowSize, end * rowSize), [
        end - start,
        ...rowShape,
      ]);
      let y = forward(x);
      if (options.softmax) y = tf.softmax(y);
      const target = rowTarget(options.target, exampleOf.slice(start, end));
      return metricTarget(metric, () => selectTarget(metric, y, target));
    });
    out.set(await scores.data(), start);
    scores.dispose();
  }
  return out;
}
