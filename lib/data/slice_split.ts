/**
 * Take a contiguous range of examples from a split, e.g. to hold out a validation set.
 *
 * @module
 */
import { FASHION_MNIST_IMAGE_SIZE } from "./fashion_mnist_files.ts";
import type { FashionMnistSplit } from "./load_fashion_mnist.ts";

/**
 * Examples `begin` (inclusive) to `end` (exclusive) of `split`, sharing its memory (no copy).
 * Negative indices count from the end, like `Array.prototype.slice`.
 *
 * @example
 * ```ts
 * import { loadFashionMnist, sliceSplit } from "../mod.ts";
 * const all = await loadFashionMnist();
 * const train = sliceSplit(all, 0, 55000);
 * const validation = sliceSplit(all, 55000);
 * console.log(train.count, validation.count); // 55000 5000
 * ```
 */
export function sliceSplit(
  split: FashionMnistSplit,
  begin: number,
  end: number = split.count,
): FashionMnistSplit {
  if (!Number.isInteger(begin) || !Number.isInteger(end)) {
    throw new TypeError(
      `Cannot slice a Fashion-MNIST split: begin and end must be integers, received ${begin} and ${end}.`,
    );
  }
  const b = Math.max(0, Math.min(split.count, begin < 0 ? split.count + begin : begin));
  const e = Math.max(b, Math.min(split.count, end < 0 ? split.count + end : end));
  const pixels = FASHION_MNIST_IMAGE_SIZE * FASHION_MNIST_IMAGE_SIZE;
  return {
    split: split.split,
    count: e - b,
    images: split.images.subarray(b * pixels, e * pixels),
    labels: split.labels.subarray(b, e),
  };
}
