/**
 * Convert an in-memory Fashion-MNIST split to tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { FASHION_MNIST_IMAGE_SIZE } from "./fashion_mnist_files.ts";
import type { FashionMnistSplit } from "./load_fashion_mnist.ts";

/** Images and labels as tensors. The caller owns (and disposes) both. */
export interface FashionMnistTensors {
  /** Images `[N, 28, 28, 1]` (NHWC), float32 in [0, 1]. */
  xs: tf.Tensor4D;
  /** Labels `[N]`, int32 in 0–9. */
  ys: tf.Tensor1D;
}

/**
 * The whole split as an image tensor `[N, 28, 28, 1]` float32 and a label tensor `[N]` int32.
 * For training, prefer {@linkcode batches}, which builds one batch at a time.
 *
 * @example
 * ```ts
 * import { loadFashionMnist, toTensors } from "../mod.ts";
 * const { xs, ys } = toTensors(await loadFashionMnist({ split: "test", limit: 8 }));
 * console.log(xs.shape, ys.dtype); // [8, 28, 28, 1] "int32"
 * xs.dispose();
 * ys.dispose();
 * ```
 */
export function toTensors(split: FashionMnistSplit): FashionMnistTensors {
  const s = FASHION_MNIST_IMAGE_SIZE;
  const xs = tf.tensor4d(split.images, [split.count, s, s, 1], "float32");
  const ys = tf.tensor1d(Int32Array.from(split.labels), "int32");
  return { xs, ys };
}
