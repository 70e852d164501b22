/**
 * Iterate over a split in mini-batches of tensors, optionally in a seeded shuffled order.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { shuffledIndices } from "./_prng.ts";
import { FASHION_MNIST_IMAGE_SIZE } from "./fashion_mnist_files.ts";
import type { FashionMnistSplit } from "./load_fashion_mnist.ts";

/** Options of {@linkcode batches}. */
export interface BatchesOptions {
  /**
   * Examples per batch; the last batch is smaller when `count` is not a multiple.
   * @default 64
   */
  batchSize?: number;
  /**
   * Visit the examples in a random order (a Fisher–Yates shuffle seeded with `seed`).
   * @default false
   */
  shuffle?: boolean;
  /**
   * Seed of the shuffle; the same seed gives the same order. Ignored unless `shuffle` is true.
   * @default a random seed
   */
  seed?: number;
  /**
   * Skip the last batch when it is smaller than `batchSize`.
   * @default false
   */
  dropRemainder?: boolean;
}

/** One mini-batch. The caller owns (and disposes) `xs` and `ys`. */
export interface Batch {
  /** Images `[B, 28, 28, 1]` (NHWC), float32 in [0, 1]. */
  xs: tf.Tensor4D;
  /** Labels `[B]`, int32 in 0–9. */
  ys: tf.Tensor1D;
  /** Position of each example in the split. */
  indices: Int32Array;
}

/**
 * Number of batches {@linkcode batches} yields for `count` examples.
 *
 * @example
 * ```ts
 * import { numBatches } from "../mod.ts";
 * console.log(numBatches(60000, 64)); // 938 (the last batch holds 32 examples)
 * console.log(numBatches(60000, 64, true)); // 937
 * ```
 */
export function numBatches(count: number, batchSize: number, dropRemainder = false): number {
  return dropRemainder ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * Yield the split in mini-batches of NHWC float32 images in [0, 1] and int32 labels. Tensors are
 * created lazily, one batch per step; the caller disposes each batch.
 *
 * @example
 * ```ts
 * import { batches, loadFashionMnist } from "../mod.ts";
 * const test = await loadFashionMnist({ split: "test", limit: 200 });
 * for (const { xs, ys } of batches(test, { batchSize: 64, shuffle: true, seed: 1 })) {
 *   console.log(xs.shape); // [64, 28, 28, 1] … then [8, 28, 28, 1]
 *   xs.dispose();
 *   ys.dispose();
 * }
 * ```
 *
 * @throws {RangeError} if `batchSize` is not a positive integer.
 */
export function* batches(
  split: FashionMnistSplit,
  options: BatchesOptions = {},
): Generator<Batch, void, undefined> {
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot make batches: batchSize must be a positive integer, received ${batchSize}. Pass batchSize >= 1.`,
    );
  }
  const n = split.count;
  const order = options.shuffle
    ? shuffledIndices(n, options.seed ?? Math.floor(Math.random() * 2 ** 32))
    : undefined;
  const size = FASHION_MNIST_IMAGE_SIZE;
  const pixels = size * size;
  const total = numBatches(n, batchSize, options.dropRemainder);
  for (let b = 0; b < total; b++) {
    const start = b * batchSize;
    const m = Math.min(batchSize, n - start);
    const indices = new Int32Array(m);
    const images = new Float32Array(m * pixels);
    const labels = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const index = order === undefined ? start + i : order[start + i];
      indices[i] = index;
      images.set(split.images.subarray(index * pixels, (index + 1) * pixels), i * pixels);
      labels[i] = split.labels[index];
    }
    yield {
      xs: tf.tensor4d(images, [m, size, size, 1], "float32"),
      ys: tf.tensor1d(labels, "int32"),
      indices,
    };
  }
}
