/**
 * Loss functions of the adversarial attacks ({@linkcode FGSM}, {@linkcode PGD}): a loss maps the
 * model's output `[N, C]` and one label per example to one loss per example `[N]`. The attacks
 * ascend it (untargeted, labels = the true classes) or descend it (targeted, labels = the classes
 * to reach).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * A loss of the attacks: the model's output and one class label per example to the loss of each
 * example (`[N]`; a scalar is accepted too, e.g. a batch mean). The attacks differentiate its sum.
 */
export type LossFunction = (outputs: tf.Tensor, labels: readonly number[]) => tf.Tensor;

/** The one-hot `[N, C]` mask of `labels` (built on the host: no one-hot kernel needed). */
function oneHot(labels: readonly number[], numClasses: number): tf.Tensor2D {
  const values = new Float32Array(labels.length * numClasses);
  labels.forEach((l, i) => {
    if (l >= numClasses) {
      throw new RangeError(
        `Cannot compute the attack's loss: target must be a class index below the output's width ${numClasses}, received ${l}. Pass a class index of the model's output.`,
      );
    }
    values[i * numClasses + l] = 1;
  });
  return tf.tensor2d(values, [labels.length, numClasses]);
}

/** `output[i, labels[i]]` for each example, `[N]`. */
function selected(outputs: tf.Tensor, labels: readonly number[]): tf.Tensor1D {
  if (outputs.rank !== 2) {
    throw new TypeError(
      `Cannot compute the attack's loss: the model's output must be a 2-D tensor [N, numClasses], received a tensor of shape [${
        outputs.shape.join(", ")
      }]. Pass a lossFunc for other outputs.`,
    );
  }
  return tf.tidy(() => outputs.mul(oneHot(labels, outputs.shape[1]!)).sum(1) as tf.Tensor1D);
}

/**
 * Captum's default loss of FGSM and PGD: the negative log of the output at the label,
 * `−log(output[i, label[i]])`. It reads the output as probabilities (a softmax output); for a
 * model that returns logits use {@linkcode crossEntropyLoss}.
 *
 * @example
 * ```ts
 * import { negativeLogLoss, tf } from "./../mod.ts";
 * const loss = negativeLogLoss(tf.tensor2d([[0.5, 0.5]]), [0]);
 * console.log(loss.dataSync()); // Float32Array [0.6931…]
 * ```
 */
export function negativeLogLoss(outputs: tf.Tensor, labels: readonly number[]): tf.Tensor1D {
  return tf.tidy(() => selected(outputs, labels).log().neg());
}

/**
 * Cross-entropy of logits, per example (PyTorch's `CrossEntropyLoss(reduction="none")`):
 * `−log softmax(output)[i, label[i]]`.
 *
 * @example
 * ```ts
 * import { crossEntropyLoss, tf } from "./../mod.ts";
 * const loss = crossEntropyLoss(tf.tensor2d([[0, 0]]), [1]);
 * console.log(loss.dataSync()); // Float32Array [0.6931…]
 * ```
 */
export function crossEntropyLoss(outputs: tf.Tensor, labels: readonly number[]): tf.Tensor1D {
  return tf.tidy(() => selected(tf.logSoftmax(outputs), labels).neg());
}
