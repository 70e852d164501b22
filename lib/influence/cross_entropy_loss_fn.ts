/**
 * Softmax cross-entropy of logits and int32 class labels as an {@linkcode InfluenceLossFn}
 * (PyTorch's `nn.CrossEntropyLoss(reduction=...)`), the loss TracIn differentiates for a
 * classifier.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { oneHotMask } from "../training/softmax_cross_entropy.ts";
import type { InfluenceLossFn, LossReduction } from "./types.ts";

/** Options of {@linkcode crossEntropyLossFn}. */
export interface CrossEntropyLossFnOptions {
  /**
   * How the per-example losses are reduced: `"none"` (one loss per example, `[B]`), `"sum"` or
   * `"mean"` (a scalar). Recorded on the function as its `reduction` property.
   * @default "mean" (as PyTorch's)
   */
  reduction?: LossReduction;
}

/**
 * A softmax cross-entropy loss of logits `[B, C]` and int32 labels `[B]` whose `reduction`
 * property tells TracIn how it reduces a batch: `−log softmax(logits)[i, label_i]` per example,
 * summed, averaged or returned as is. Every backend has its kernels (no `OneHot`).
 *
 * @example
 * ```ts
 * import { crossEntropyLossFn, tf } from "../mod.ts";
 * const lossFn = crossEntropyLossFn({ reduction: "sum" });
 * const loss = lossFn(tf.zeros([2, 10]), tf.tensor1d([3, 7], "int32"));
 * console.log(lossFn.reduction, loss.dataSync()[0]); // "sum" 4.605… (2 ln 10)
 * ```
 *
 * @throws {RangeError} if `reduction` is not "none", "sum" or "mean".
 */
export function crossEntropyLossFn(options: CrossEntropyLossFnOptions = {}): InfluenceLossFn {
  const reduction = options.reduction ?? "mean";
  if (!["none", "sum", "mean"].includes(reduction)) {
    throw new RangeError(
      `Cannot create the cross-entropy loss: reduction must be "none", "sum" or "mean", received ${
        JSON.stringify(reduction)
      }. Pick one of these.`,
    );
  }
  const lossFn = (outputs: tf.Tensor, targets: tf.Tensor): tf.Tensor => {
    if (outputs.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== outputs.shape[0]) {
      throw new TypeError(
        `Cannot compute the cross-entropy loss: expected logits [B, C] and labels [B], received logits [${outputs.shape}] and labels [${targets.shape}]. Pass one int32 class label per row of logits.`,
      );
    }
    return tf.tidy(() => {
      const mask = oneHotMask(targets as tf.Tensor1D, outputs.shape[1]!);
      const perExample = tf.neg(tf.sum(tf.mul(mask, tf.logSoftmax(outputs)), 1));
      if (reduction === "none") return perExample;
      return reduction === "sum" ? tf.sum(perExample) : tf.mean(perExample);
    });
  };
  return Object.assign(lossFn, { reduction });
}
