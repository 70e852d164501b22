/**
 * Loss, accuracy and predictions of a classifier on a whole split, in batches.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { batches } from "../data/batches.ts";
import type { FashionMnistSplit } from "../data/load_fashion_mnist.ts";
import { checkBatchSize } from "./predict_classes.ts";
import { softmaxCrossEntropy } from "./softmax_cross_entropy.ts";

/** Options of {@linkcode evaluateClassifier}. */
export interface EvaluateClassifierOptions {
  /**
   * Images per forward pass.
   * @default 500
   */
  batchSize?: number;
}

/** What {@linkcode evaluateClassifier} measured. */
export interface ClassifierEvaluation {
  /** Mean softmax cross-entropy over all examples. */
  loss: number;
  /** Fraction of examples whose arg-max logit is the label. */
  accuracy: number;
  /** Predicted class of each example, in split order. */
  predictions: Int32Array;
  /** Number of examples evaluated. */
  count: number;
}

/**
 * Evaluate `model` (logits out) on every example of `split`: mean softmax cross-entropy, accuracy
 * and the predicted classes, `batchSize` examples at a time, leaving no tensors behind.
 *
 * @example
 * ```ts
 * import { evaluateClassifier, loadCheckpoint, loadFashionMnist, PRETRAINED_CLASSIFIER_DIR } from "../mod.ts";
 * const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
 * const { accuracy } = evaluateClassifier(model, await loadFashionMnist({ split: "test" }));
 * console.log(accuracy.toFixed(3));
 * ```
 *
 * @throws {RangeError} if `batchSize` is not a positive integer or the split is empty.
 */
export function evaluateClassifier(
  model: tf.LayersModel,
  split: FashionMnistSplit,
  options: EvaluateClassifierOptions = {},
): ClassifierEvaluation {
  const batchSize = options.batchSize ?? 500;
  checkBatchSize("Cannot evaluate the classifier", batchSize);
  if (split.count < 1) {
    throw new RangeError(
      `Cannot evaluate the classifier: the split is empty (count 0). Pass at least one example.`,
    );
  }
  const predictions = new Int32Array(split.count);
  let lossSum = 0;
  let correct = 0;
  let offset = 0;
  for (const { xs, ys } of batches(split, { batchSize })) {
    try {
      const [loss, predicted] = tf.tidy(() => {
        const logits = model.predict(xs) as tf.Tensor;
        return [softmaxCrossEntropy(logits, ys), tf.argMax(logits, 1)];
      });
      const m = xs.shape[0];
      lossSum += loss.dataSync()[0] * m;
      const p = predicted.dataSync() as Int32Array;
      predictions.set(p, offset);
      for (let i = 0; i < m; i++) if (p[i] === split.labels[offset + i]) correct++;
      offset += m;
      tf.dispose([loss, predicted]);
    } finally {
      tf.dispose([xs, ys]);
    }
  }
  return {
    loss: lossSum / split.count,
    accuracy: correct / split.count,
    predictions,
    count: split.count,
  };
}
