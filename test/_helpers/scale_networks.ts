/**
 * The scale tests' networks: the parity suite's MobileNet-style and Inception-style networks
 * (`test/fixtures/networks.ts`) built at 224 × 224, with seeded random weights scaled so that the
 * activations stay of order one.
 *
 * @module
 */
import { tf } from "../../lib/mod.ts";
import { buildNetwork } from "../fixtures/networks.ts";

/** The input side of the scale networks. */
export const SCALE_SIZE = 224;

/**
 * Give every weight of `model` a seeded value: kernels N(0, 2 / fan-in), BatchNormalization's
 * gamma and moving variance U(0.5, 1.5), biases, beta and moving means N(0, 0.05²).
 */
export function setSeededWeights(model: tf.LayersModel, seed = 1): void {
  let s = seed;
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const values = layer.weights.map((w) => {
      const name = w.originalName.split("/").pop() ?? "";
      const shape = w.shape as number[];
      if (name === "gamma" || name === "moving_variance") {
        return tf.randomUniform(shape, 0.5, 1.5, "float32", s++);
      }
      if (shape.length === 1) return tf.randomNormal(shape, 0, 0.05, "float32", s++);
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      return tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", s++);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/**
 * The MobileNet-style network (ZeroPadding2D, Conv2D stride 2, BatchNormalization, ReLU max 6,
 * DepthwiseConv2D, SeparableConv2D, Add, AveragePooling2D, GlobalAveragePooling2D, Dense softmax)
 * at `[N, 224, 224, 3]`, seeded.
 */
export function scaleMobilenet(): tf.LayersModel {
  const model = buildNetwork("mobilenet", SCALE_SIZE);
  setSeededWeights(model, 1);
  return model;
}

/**
 * The Inception-style network (parallel branches, Concatenate, MaxPooling2D, BatchNormalization
 * without scale, LeakyReLU, ELU) at `[N, 224, 224, 1]`, seeded.
 */
export function scaleInception(): tf.LayersModel {
  const model = buildNetwork("inception", SCALE_SIZE);
  setSeededWeights(model, 101);
  return model;
}
