/**
 * TracIn's checkpoints: resolving a directory into its checkpoint list, the default loader, and
 * moving a model through the checkpoints during one call with its own weights restored after.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { listCheckpoints } from "../training/checkpoint.ts";
import { influenceRangeError, influenceTypeError } from "./_errors.ts";
import type { CheckpointsLoadFunc } from "./types.ts";

/** The checkpoints of one call, loaded: each one's weights and learning rate. */
export interface LoadedCheckpoints {
  /** Number of checkpoints. */
  readonly length: number;
  /** The learning rate of checkpoint `c`. */
  learningRate(c: number): number;
  /** Set the model's weights to checkpoint `c`'s. */
  use(c: number): void;
}

/** Resolve `checkpoints` (a directory or a list) into a non-empty list. */
export async function resolveCheckpoints<C>(
  method: string,
  checkpoints: string | readonly C[],
): Promise<readonly (C | string)[]> {
  const list = typeof checkpoints === "string" ? await listCheckpoints(checkpoints) : checkpoints;
  if (!Array.isArray(list) || list.length === 0) {
    throw influenceRangeError(
      method,
      "checkpoints",
      typeof checkpoints === "string"
        ? "a directory holding checkpoint subdirectories (each with a model.json)"
        : "a non-empty list of checkpoints",
      checkpoints,
      "Train with trainClassifier(model, train, { checkpointDir }) and pass that directory, or pass a list of checkpoint directories.",
    );
  }
  return list;
}

/**
 * Load every checkpoint once with `load`, keep each one's weights, run `fn`, then restore the
 * model's own weights and free the copies, whatever happens (Captum leaves the last checkpoint
 * loaded; here the model is left as it was).
 */
export async function withCheckpoints<C, R>(
  method: string,
  model: tf.LayersModel,
  checkpoints: readonly C[],
  load: CheckpointsLoadFunc<C>,
  fn: (loaded: LoadedCheckpoints) => Promise<R>,
): Promise<R> {
  const original = model.getWeights().map((w) => tf.clone(w));
  const weights: tf.Tensor[][] = [];
  const rates: number[] = [];
  try {
    for (const checkpoint of checkpoints) {
      const rate = await load(model, checkpoint);
      if (typeof rate !== "number" || !Number.isFinite(rate)) {
        throw influenceTypeError(
          method,
          "the value checkpointsLoadFunc returned",
          "the checkpoint's learning rate (a finite number)",
          rate,
          "Return the learning rate from checkpointsLoadFunc, or 1 when it is unknown.",
        );
      }
      rates.push(rate);
      weights.push(model.getWeights().map((w) => tf.clone(w)));
    }
    let current = weights.length - 1;
    return await fn({
      length: weights.length,
      learningRate: (c) => rates[c],
      use(c) {
        if (c === current) return;
        model.setWeights(weights[c]);
        current = c;
      },
    });
  } finally {
    model.setWeights(original);
    tf.dispose(original);
    weights.forEach((w) => tf.dispose(w));
  }
}
