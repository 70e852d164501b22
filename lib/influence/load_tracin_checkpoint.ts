/**
 * TracIn's default checkpoint loader: a `saveCheckpoint()` directory and its learning rate.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { loadCheckpointWeights } from "../training/checkpoint.ts";

/**
 * The default `checkpointsLoadFunc`: copy the weights of the checkpoint directory `dir` (written
 * by `saveCheckpoint()` or `trainClassifier({ checkpointDir })`) into `model`, and return the
 * learning rate stored in its metadata (`learningRate`), or 1 when it has none — Captum's
 * `_load_flexible_state_dict`, which reads `learning_rate` with a default of 1.
 *
 * @example
 * ```ts
 * import { createClassifier, loadTracInCheckpoint, PRETRAINED_CLASSIFIER_DIR } from "../mod.ts";
 * const learningRate = await loadTracInCheckpoint(createClassifier(), PRETRAINED_CLASSIFIER_DIR);
 * console.log(learningRate); // 1 (the pretrained checkpoint stores none)
 * ```
 */
export async function loadTracInCheckpoint(model: tf.LayersModel, dir: string): Promise<number> {
  const { userDefinedMetadata } = await loadCheckpointWeights(model, dir);
  const rate = userDefinedMetadata.learningRate;
  return typeof rate === "number" ? rate : 1;
}
