/**
 * Types shared by the data influence methods (Captum's `captum.influence`): the data they read,
 * the loss they differentiate, and the proponents / opponents they return.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { FashionMnistSplit } from "../data/load_fashion_mnist.ts";

/**
 * One batch of examples: inputs `xs` `[B, ...]` (NHWC images for the tutorial CNN) and their
 * labels `ys` `[B, ...]` (int32 class indices for a cross-entropy loss, or any targets the loss
 * reads). Captum's batch tuple `(*inputs, labels)`.
 */
export interface InfluenceBatch {
  /** Inputs `[B, ...]`, float32. */
  xs: tf.Tensor;
  /** Labels or targets `[B, ...]`; only {@linkcode SimilarityInfluence} works without them. */
  ys?: tf.Tensor;
}

/**
 * Examples an influence method reads, in order (example `j` of the data is index `j` of the
 * results). Captum's `Dataset` / `DataLoader`, in three forms:
 *
 * - an {@linkcode InfluenceBatch} of tensors, split into batches of the method's `batchSize`;
 * - a {@linkcode FashionMnistSplit} (e.g. `loadFashionMnist({ split: "train", limit: 55000 })`),
 *   turned into tensors one batch at a time, so 55,000 images never sit in tensors at once;
 * - an array of batches (a materialized `DataLoader`), used as they are.
 *
 * The caller keeps ownership of every tensor passed in; the methods dispose only the batches they
 * create themselves.
 */
export type InfluenceDataset =
  | InfluenceBatch
  | FashionMnistSplit
  | readonly InfluenceBatch[];

/** How a loss function reduces the per-example losses of a batch (PyTorch's `reduction`). */
export type LossReduction = "none" | "sum" | "mean";

/**
 * A loss of the model's `outputs` `[B, ...]` and the batch's `targets` (its `ys`), as PyTorch
 * loss modules are: it returns the per-example losses `[B]` (`reduction: "none"`) or their sum or
 * mean (a scalar). The optional `reduction` property says which, as `loss_fn.reduction` does for
 * Captum; without it a scalar loss is taken to be a sum. See {@linkcode crossEntropyLossFn}.
 */
export type InfluenceLossFn =
  & ((outputs: tf.Tensor, targets: tf.Tensor) => tf.Tensor)
  & { reduction?: LossReduction };

/**
 * Proponents or opponents of each test example (Captum's `KMostInfluentialResults`): row `i`
 * lists the `k` training examples with the highest (proponents) or lowest (opponents) influence
 * on test example `i`, best first. The caller owns (disposes) both tensors.
 */
export interface KMostInfluentialResults {
  /** Indices into the training data, int32 `[T, k]`. */
  indices: tf.Tensor2D;
  /** Their influence scores, float32 `[T, k]`. */
  influenceScores: tf.Tensor2D;
}

/**
 * Loads `checkpoint` into `model` (setting its weights) and returns the learning rate that
 * checkpoint's scores are weighted by (Captum's `checkpoints_load_func`).
 */
export type CheckpointsLoadFunc<C> = (
  model: tf.LayersModel,
  checkpoint: C,
) => number | Promise<number>;
