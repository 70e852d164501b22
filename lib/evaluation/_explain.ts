/**
 * Private: running an {@linkcode ExplainerFunction} over a batch in chunks, checking what it
 * returns, and reading the maps to the host; the model's predicted classes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction } from "../attr/types.ts";
import { metricError } from "../attr/_utils/metric_errors.ts";
import { validateTarget } from "../attr/_utils/target.ts";
import { type HostMaps, hostMaps } from "./_maps.ts";
import type { ExplainerFunction } from "./explainer_function.ts";
import { metricTarget } from "./_validate.ts";

/** Attribution values (host, the inputs' layout) of `explainer` on `model`, `batchSize` at a time. */
export async function explainValues(
  metric: string,
  explainer: ExplainerFunction,
  model: tf.LayersModel,
  inputs: tf.Tensor,
  target: number[],
  batchSize: number,
): Promise<Float32Array> {
  const n = inputs.shape[0];
  const size = inputs.size / n;
  const out = new Float32Array(inputs.size);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const chunk = start === 0 && end === n ? inputs : inputs.slice(start, end - start);
    let attr: unknown;
    try {
      attr = await explainer(model, chunk, target.slice(start, end));
      if (!(attr instanceof tf.Tensor) || attr.shape.join() !== chunk.shape.join()) {
        throw metricError(
          metric,
          "the explainer's result",
          `a tensor of its inputs' shape [${chunk.shape.join(", ")}]`,
          attr,
          "Return attributions in the inputs' shape (upsample layer attributions with " +
            "LayerAttribution.interpolate).",
        );
      }
      out.set(await attr.data(), start * size);
    } finally {
      if (attr instanceof tf.Tensor) attr.dispose();
      if (chunk !== inputs) chunk.dispose();
    }
  }
  return out;
}

/** {@linkcode explainValues} read as grey maps (the same arguments). */
export async function explainMaps(...args: Parameters<typeof explainValues>): Promise<HostMaps> {
  const [, , , inputs] = args;
  return hostMaps(await explainValues(...args), inputs.shape);
}

/** The class the model predicts for each example (argmax of the output), `batchSize` at a time. */
export async function predictedClasses(
  forward: ForwardFunction,
  inputs: tf.Tensor,
  batchSize = 256,
): Promise<number[]> {
  const n = inputs.shape[0];
  const out: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const classes = tf.tidy(() => forward(inputs.slice(start, size)).argMax(-1));
    out.push(...await classes.data());
    classes.dispose();
  }
  return out;
}

/** The targets, one class index per example: given, or the predicted classes. */
export async function resolveTargets(
  metric: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  target: unknown,
): Promise<number[]> {
  const n = inputs.shape[0];
  if (target === undefined) return await predictedClasses(forward, inputs);
  if (typeof target === "function") {
    throw metricError(
      metric,
      "target",
      "a class index or one class index per example (the explainer receives indices)",
      target,
      "Pass e.g. target: 3, or leave it out to explain the predicted classes.",
    );
  }
  metricTarget(metric, () => validateTarget(metric, target as number | number[], n));
  return typeof target === "number" ? new Array<number>(n).fill(target) : [...target as number[]];
}
