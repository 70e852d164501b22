/**
 * Softmax cross-entropy from logits and integer labels, built only from kernels every backend has.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * A float32 one-hot matrix `[N, numClasses]` for int32 `labels` `[N]`, built by comparing the
 * labels with `range(numClasses)` (no `OneHot` kernel needed). Labels outside the range give a
 * row of zeros.
 *
 * @example
 * ```ts
 * import { oneHotMask, tf } from "../mod.ts";
 * oneHotMask(tf.tensor1d([2, 0], "int32"), 3).print(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHotMask(labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.cast(
      tf.equal(tf.expandDims(tf.cast(labels, "int32"), 1), tf.range(0, numClasses, 1, "int32")),
      "float32",
    ) as tf.Tensor2D
  );
}

/**
 * Mean softmax cross-entropy of `logits` `[N, C]` against int32 class `labels` `[N]`:
 * `mean_i(logSumExp(logits_i) - logits_i[labels_i])`, the loss PyTorch's `nn.CrossEntropyLoss`
 * computes. Differentiable w.r.t. `logits` on every backend.
 *
 * @example
 * ```ts
 * import { softmaxCrossEntropy, tf } from "../mod.ts";
 * const loss = softmaxCrossEntropy(tf.zeros([2, 10]), tf.tensor1d([3, 7], "int32"));
 * console.log(loss.dataSync()[0]); // ln(10) ≈ 2.302585
 * ```
 *
 * @throws {TypeError} if `logits` is not 2-D or `labels` does not have one entry per row.
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new TypeError(
      `Cannot compute softmax cross-entropy: expected logits [N, C] and labels [N], received logits [${logits.shape}] and labels [${labels.shape}]. Pass one int32 label per row of logits.`,
    );
  }
  return tf.tidy(() => {
    const mask = oneHotMask(labels, logits.shape[1]!);
    const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
    return tf.neg(tf.mean(tf.sum(tf.mul(mask, logProbs), 1))) as tf.Scalar;
  });
}
