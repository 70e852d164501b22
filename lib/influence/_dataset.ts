/**
 * Iterating an {@linkcode InfluenceDataset} in batches of tensors, memory-bounded: a
 * Fashion-MNIST split becomes tensors one batch at a time.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { batches, numBatches } from "../data/batches.ts";
import type { FashionMnistSplit } from "../data/load_fashion_mnist.ts";
import { influenceTypeError } from "./_errors.ts";
import type { InfluenceBatch, InfluenceDataset } from "./types.ts";

/** A batch handed to a method; `owned` batches are disposed by the iterator after use. */
interface LabeledBatch {
  xs: tf.Tensor;
  ys: tf.Tensor | undefined;
}

/** A validated dataset: its size and a way to visit it batch by batch, as often as needed. */
export interface BatchedDataset {
  /** Number of examples. */
  readonly count: number;
  /** Number of batches {@linkcode BatchedDataset.forEach} visits. */
  readonly numBatches: number;
  /**
   * Call `fn` on each batch in order with the index of its first example; batches the dataset
   * created are disposed after `fn` resolves.
   */
  forEach(fn: (batch: LabeledBatch, offset: number) => Promise<void> | void): Promise<void>;
  /** The first example as a batch of one; the caller disposes its tensors. */
  first(): LabeledBatch;
}

/** Example 0 of `batch`, as new tensors. */
function firstOf(batch: { xs: tf.Tensor; ys?: tf.Tensor }): LabeledBatch {
  return { xs: batch.xs.slice(0, 1), ys: batch.ys?.slice(0, 1) };
}

function isSplit(data: unknown): data is FashionMnistSplit {
  return typeof data === "object" && data !== null && "images" in data &&
    (data as FashionMnistSplit).images instanceof Float32Array;
}

function checkBatch(
  method: string,
  what: string,
  batch: InfluenceBatch,
  needLabels: boolean,
): void {
  if (!(batch?.xs instanceof tf.Tensor) || batch.xs.isDisposed || batch.xs.rank < 2) {
    throw influenceTypeError(
      method,
      `${what}.xs`,
      "a live float32 tensor with a batch axis ([N, ...])",
      batch?.xs,
      "Pass { xs, ys } with xs a batch of inputs, e.g. images [N, 28, 28, 1].",
    );
  }
  if (batch.ys === undefined) {
    if (!needLabels) return;
    throw influenceTypeError(
      method,
      `${what}.ys`,
      "a tensor of labels with one row per example",
      undefined,
      "Pass { xs, ys } with ys the labels the loss reads (e.g. int32 classes [N]).",
    );
  }
  if (
    !(batch.ys instanceof tf.Tensor) || batch.ys.isDisposed ||
    batch.ys.shape[0] !== batch.xs.shape[0]
  ) {
    throw influenceTypeError(
      method,
      `${what}.ys`,
      `a live tensor with ${batch.xs.shape[0]} rows (one per example of xs)`,
      batch.ys,
      "Pass one label (row) per example.",
    );
  }
}

/**
 * Validate `data` (argument `what` of `method`) and return it batched by `batchSize`.
 * `needLabels` requires `ys` (TracIn's losses read them).
 */
export function batchedDataset(
  method: string,
  what: string,
  data: InfluenceDataset | tf.Tensor,
  batchSize: number,
  needLabels: boolean,
): BatchedDataset {
  if (isSplit(data)) {
    return {
      count: data.count,
      numBatches: numBatches(data.count, batchSize),
      async forEach(fn) {
        let offset = 0;
        for (const { xs, ys } of batches(data, { batchSize })) {
          try {
            await fn({ xs, ys }, offset);
          } finally {
            tf.dispose([xs, ys]);
          }
          offset += xs.shape[0];
        }
      },
      first: () => batches(data, { batchSize: 1 }).next().value as LabeledBatch,
    };
  }
  if (Array.isArray(data)) {
    const list = data as readonly InfluenceBatch[];
    if (list.length === 0) {
      throw influenceTypeError(
        method,
        what,
        "a non-empty array of batches",
        list,
        "Pass at least one { xs, ys } batch.",
      );
    }
    list.forEach((b, i) => checkBatch(method, `${what}[${i}]`, b, needLabels));
    return {
      count: list.reduce((n, b) => n + b.xs.shape[0], 0),
      numBatches: list.length,
      async forEach(fn) {
        let offset = 0;
        for (const b of list) {
          await fn({ xs: b.xs, ys: b.ys }, offset);
          offset += b.xs.shape[0];
        }
      },
      first: () => firstOf(list[0]),
    };
  }
  if (data instanceof tf.Tensor) {
    return batchedDataset(method, what, { xs: data }, batchSize, needLabels);
  }
  const batch = data as InfluenceBatch;
  checkBatch(method, what, batch, needLabels);
  const count = batch.xs.shape[0];
  return {
    count,
    numBatches: numBatches(count, batchSize),
    first: () => firstOf(batch),
    async forEach(fn) {
      for (let offset = 0; offset < count; offset += batchSize) {
        const size = Math.min(batchSize, count - offset);
        if (size === count) {
          await fn({ xs: batch.xs, ys: batch.ys }, 0);
          return;
        }
        const xs = batch.xs.slice(offset, size);
        const ys = batch.ys?.slice(offset, size);
        try {
          await fn({ xs, ys }, offset);
        } finally {
          tf.dispose(ys === undefined ? [xs] : [xs, ys]);
        }
      }
    },
  };
}
