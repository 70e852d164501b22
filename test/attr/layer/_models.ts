/**
 * Tiny analytic models from Captum's tests, rebuilt as tf.LayersModels (NHWC).
 *
 * @module
 */
import { tf } from "../../../lib/mod.ts";

/**
 * Captum's BasicModel_ConvNet_One_Conv, NHWC: conv "conv1" (1→2 channels, 3×3 valid, all-ones
 * weights, bias [−50, −75]) → "relu1" → flatten (8) → dense "fc1" (4 units, each with weights
 * [1,1,1,1,1,−1,−1,−1] over Captum's (c, h, w) flatten order, no bias) → "relu2". Input [N, 4, 4, 1].
 */
export function oneConvNet(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ name: "conv1", inputShape: [4, 4, 1], filters: 2, kernelSize: 3 }),
      tf.layers.reLU({ name: "relu1" }),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({ name: "fc1", units: 4, useBias: false }),
      tf.layers.reLU({ name: "relu2" }),
    ],
  });
  model.getLayer("conv1").setWeights([tf.ones([3, 3, 1, 2]), tf.tensor1d([-50, -75])]);
  // Captum's weight row over (c, h, w); NHWC flatten index (h·2 + w)·2 + c.
  const captumRow = [1, 1, 1, 1, 1, -1, -1, -1];
  const kernel = new Float32Array(8 * 4);
  for (let p = 0; p < 4; p++) {
    for (let c = 0; c < 2; c++) {
      for (let u = 0; u < 4; u++) kernel[(p * 2 + c) * 4 + u] = captumRow[c * 4 + p];
    }
  }
  model.getLayer("fc1").setWeights([tf.tensor2d(kernel, [8, 4])]);
  return model;
}

/** The one-conv net's input: 0..15 as one 4×4 image, [1, 4, 4, 1]. */
export function oneConvInput(): tf.Tensor4D {
  return tf.tidy(() => tf.range(0, 16).toFloat().reshape([1, 4, 4, 1]) as tf.Tensor4D);
}

/**
 * Captum's BasicModel_MultiLayer: "linear0" identity (3→3) → "linear1" (3→4, all-ones, bias
 * [−10, 1, 1, 1]) → "relu" → "linear2" (4→2, all-ones, bias [−1, 1]). With s = x1 + x2 + x3:
 * out0 = relu(s − 10) + 3·relu(s + 1) − 1.
 */
export function multiLayerModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: "linear0", inputShape: [3], units: 3 }),
      tf.layers.dense({ name: "linear1", units: 4 }),
      tf.layers.reLU({ name: "relu" }),
      tf.layers.dense({ name: "linear2", units: 2 }),
    ],
  });
  model.getLayer("linear0").setWeights([tf.eye(3), tf.zeros([3])]);
  model.getLayer("linear1").setWeights([tf.ones([3, 4]), tf.tensor1d([-10, 1, 1, 1])]);
  model.getLayer("linear2").setWeights([tf.ones([4, 2]), tf.tensor1d([-1, 1])]);
  return model;
}

/**
 * A functional model with a residual branch: "image" [5, 5, 2] → "conv_a" → "relu_a" → "conv_b"
 * → "add" (conv_b + conv_a) → "relu_add" → "flatten" → "dense" (4 logits). Seeded weights.
 */
export function residualModel(): tf.LayersModel {
  const input = tf.input({ shape: [5, 5, 2], name: "image" });
  const conv = (name: string, seed: number) =>
    tf.layers.conv2d({
      name,
      filters: 3,
      kernelSize: 3,
      padding: "same",
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      biasInitializer: tf.initializers.constant({ value: 0.05 }),
    });
  const a = conv("conv_a", 1).apply(input) as tf.SymbolicTensor;
  const r = tf.layers.reLU({ name: "relu_a" }).apply(a) as tf.SymbolicTensor;
  const b = conv("conv_b", 2).apply(r) as tf.SymbolicTensor;
  const add = tf.layers.add({ name: "add" }).apply([b, a]) as tf.SymbolicTensor;
  const ra = tf.layers.reLU({ name: "relu_add" }).apply(add) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: "flatten" }).apply(ra) as tf.SymbolicTensor;
  const out = tf.layers.dense({
    name: "dense",
    units: 4,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
  }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}
