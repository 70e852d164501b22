/**
 * The tutorial's Fashion-MNIST network.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options of {@linkcode createClassifier}. */
export interface CreateClassifierOptions {
  /**
   * Seed of the weight initializers (Glorot-uniform kernels, zero biases); the same seed gives
   * the same initial weights. Layers use `seed`, `seed + 1` and `seed + 2`.
   * @default undefined (unseeded Glorot-uniform kernels)
   */
  seed?: number;
}

/** Names of the classifier's layers, in order. Attribution code refers to layers by these. */
export const CLASSIFIER_LAYER_NAMES = [
  "conv1",
  "relu1",
  "conv2",
  "relu2",
  "flatten",
  "dense",
] as const;

/** One of {@linkcode CLASSIFIER_LAYER_NAMES}. */
export type ClassifierLayerName = typeof CLASSIFIER_LAYER_NAMES[number];

/**
 * The tutorial's CNN as a `tf.Sequential`:
 * `conv1` conv2d(32, 3×3, same) → `relu1` ReLU → `conv2` conv2d(16, 3×3, same) → `relu2` ReLU →
 * `flatten` → `dense` dense(10). Input `[N, 28, 28, 1]` (NHWC), output `[N, 10]` logits
 * (no softmax). 130,394 parameters: conv1 320, conv2 4,624, dense 125,450.
 *
 * The ReLUs are separate layers so that layer attributions can tap a convolution's output before
 * or after its activation.
 *
 * @example
 * ```ts
 * import { createClassifier, tf } from "../mod.ts";
 * const model = createClassifier({ seed: 0 });
 * const logits = model.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;
 * console.log(logits.shape); // [2, 10]
 * logits.dispose();
 * ```
 */
export function createClassifier(options: CreateClassifierOptions = {}): tf.Sequential {
  const { seed } = options;
  if (seed !== undefined && !Number.isFinite(seed)) {
    throw new TypeError(
      `Cannot create the classifier: seed must be a finite number, received ${seed}. Pass an integer seed or omit it.`,
    );
  }
  const kernel = (offset: number) =>
    tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + offset });
  return tf.sequential({
    name: "fashion_mnist_classifier",
    layers: [
      tf.layers.conv2d({
        name: "conv1",
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 3,
        padding: "same",
        kernelInitializer: kernel(0),
        biasInitializer: "zeros",
      }),
      tf.layers.reLU({ name: "relu1" }),
      tf.layers.conv2d({
        name: "conv2",
        filters: 16,
        kernelSize: 3,
        padding: "same",
        kernelInitializer: kernel(1),
        biasInitializer: "zeros",
      }),
      tf.layers.reLU({ name: "relu2" }),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({
        name: "dense",
        units: 10,
        kernelInitializer: kernel(2),
        biasInitializer: "zeros",
      }),
    ],
  });
}
