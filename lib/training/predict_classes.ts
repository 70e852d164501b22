/**
 * Predicted classes (arg-max of the logits) for many images, in batches, without leaking tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options of {@linkcode predictClasses}. */
export interface PredictClassesOptions {
  /**
   * Images per forward pass.
   * @default 500
   */
  batchSize?: number;
}

/** Validate a batch size option. @internal */
export function checkBatchSize(what: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `${what}: batchSize must be a positive integer, received ${batchSize}. Pass batchSize >= 1.`,
    );
  }
}

/**
 * The predicted class of every image: `argMax(model(xs), 1)`, computed `batchSize` images at a
 * time. Returns a plain `Int32Array` (no tensor to dispose).
 *
 * @example
 * ```ts
 * import { createClassifier, predictClasses, tf } from "../mod.ts";
 * const xs = tf.zeros([3, 28, 28, 1]) as tf.Tensor4D;
 * console.log(predictClasses(createClassifier({ seed: 0 }), xs).length); // 3
 * xs.dispose();
 * ```
 *
 * @throws {RangeError} if `batchSize` is not a positive integer.
 */
export function predictClasses(
  model: tf.LayersModel,
  xs: tf.Tensor,
  options: PredictClassesOptions = {},
): Int32Array {
  const batchSize = options.batchSize ?? 500;
  checkBatchSize("Cannot predict classes", batchSize);
  const n = xs.shape[0];
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const predicted = tf.tidy(() => {
      const batch = tf.slice(xs, start, size);
      return tf.argMax(model.predict(batch) as tf.Tensor, 1);
    });
    out.set(predicted.dataSync() as Int32Array, start);
    predicted.dispose();
  }
  return out;
}
