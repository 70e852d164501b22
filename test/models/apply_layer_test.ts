import assert from "node:assert/strict";
import { tf } from "../../lib/mod.ts";
import { applyLayer } from "../../lib/models/_apply_layer.ts";
import { modelForwardFunction } from "../../lib/models/_model_graph.ts";
import { assertAllClose } from "../_helpers/tensor_asserts.ts";

function convNet(activation: "relu" | "linear" | "tanh", useBias: boolean): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [9, 9, 2],
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        activation,
        useBias,
        biasInitializer: "glorotNormal",
        kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
      }),
      tf.layers.conv2d({
        filters: 2,
        kernelSize: 2,
        dilationRate: 2,
        padding: "valid",
        activation,
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation, useBias, biasInitializer: "ones" }),
    ],
  });
}

for (const activation of ["relu", "linear", "tanh"] as const) {
  for (const useBias of [true, false]) {
    Deno.test(`modelForwardFunction() equals model.predict (activation ${activation}, bias ${useBias})`, () => {
      const model = convNet(activation, useBias);
      const x = tf.randomUniform([3, 9, 9, 2], -1, 1, "float32", 7);
      const forward = modelForwardFunction(model);
      const expected = model.predict(x) as tf.Tensor;
      const actual = tf.tidy(() => forward(x));
      assertAllClose(actual, expected, { rtol: 1e-5, atol: 1e-6 });
      model.dispose();
      tf.dispose([x, expected, actual]);
    });
  }
}

Deno.test("applyLayer() input gradients through Conv2D and Dense equal layer.apply's", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [9, 9, 2],
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: "same",
      }),
      tf.layers.conv2d({ filters: 2, kernelSize: 2, padding: "valid", activation: "relu" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: "relu", biasInitializer: "ones" }),
    ],
  });
  const x = tf.randomUniform([2, 9, 9, 2], -1, 1, "float32", 3);
  const viaApply = tf.grad((v: tf.Tensor) =>
    model.layers.reduce((h, l) => l.apply(h, { training: false }) as tf.Tensor, v).sum()
  )(x);
  const viaPlainOps = tf.grad((v: tf.Tensor) =>
    model.layers.reduce((h, l) => applyLayer(l, h) as tf.Tensor, v).sum()
  )(x);
  assertAllClose(viaPlainOps, viaApply, { rtol: 1e-4, atol: 1e-6 });
  model.dispose();
  tf.dispose([x, viaApply, viaPlainOps]);
});

Deno.test("applyLayer() falls back to layer.apply for other layers and leaks nothing", () => {
  const layer = tf.layers.maxPooling2d({ poolSize: 2 });
  const x = tf.ones([1, 4, 4, 1]);
  const before = tf.memory().numTensors;
  const y = tf.tidy(() => applyLayer(layer, x) as tf.Tensor);
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  y.dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("applyLayer() fused Conv2D + bias: values and input gradients equal layer.apply's for strides and paddings", () => {
  for (
    const [strides, padding] of [[1, "same"], [2, "valid"], [2, "same"], [1, "valid"]] as const
  ) {
    const layer = tf.layers.conv2d({
      filters: 4,
      kernelSize: 3,
      strides,
      padding,
      biasInitializer: "glorotNormal",
      kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
    });
    const x = tf.randomUniform([3, 8, 7, 2], -1, 1, "float32", 5);
    const expected = layer.apply(x, { training: false }) as tf.Tensor;
    const actual = applyLayer(layer, x) as tf.Tensor;
    assertAllClose(actual, expected, { rtol: 1e-5, atol: 1e-6 });
    const weight = tf.randomUniform(expected.shape, -1, 1, "float32", 6);
    const viaApply = tf.grad((v: tf.Tensor) =>
      (layer.apply(v, { training: false }) as tf.Tensor).mul(weight).sum()
    )(x);
    const before = tf.memory().numTensors;
    const viaFused = tf.grad((v: tf.Tensor) =>
      (applyLayer(layer, v) as tf.Tensor).mul(weight).sum()
    )(
      x,
    );
    assert.equal(
      tf.memory().numTensors,
      before + 1,
      `strides ${strides} ${padding}: leaked tensors`,
    );
    assertAllClose(viaFused, viaApply, { rtol: 1e-4, atol: 1e-6 });
    layer.dispose();
    tf.dispose([x, expected, actual, weight, viaApply, viaFused]);
  }
});

Deno.test("applyLayer() BatchNormalization without scale or center: values equal layer.apply's, gradients exist", () => {
  for (const [scale, center] of [[false, true], [true, false], [false, false], [true, true]]) {
    const layer = tf.layers.batchNormalization({
      scale,
      center,
      epsilon: 1e-3,
      movingMeanInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }),
      movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 2 }),
      gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 3 }),
      betaInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 4 }),
    });
    const x = tf.randomUniform([2, 3, 3, 4], -1, 1, "float32", 5);
    const expected = layer.apply(x, { training: false }) as tf.Tensor;
    const actual = applyLayer(layer, x) as tf.Tensor;
    assertAllClose(actual, expected, { rtol: 1e-5, atol: 1e-6 });
    // The gradient is the per-channel scale γ/√(σ² + ε) (γ = 1 without scale).
    const weights = layer.getWeights();
    const variance = weights[weights.length - 1];
    const gamma = scale ? weights[0] : tf.onesLike(variance);
    const slope = tf.tidy(() => gamma.div(variance.add(1e-3).sqrt()));
    const g = tf.grad((v: tf.Tensor) => (applyLayer(layer, v) as tf.Tensor).sum())(x);
    assertAllClose(g, tf.tidy(() => tf.onesLike(x).mul(slope)), { rtol: 1e-5, atol: 1e-6 });
    layer.dispose();
    tf.dispose([x, expected, actual, slope, g, ...(scale ? [] : [gamma])]);
  }
});

Deno.test("applyLayer() runs fused and layer activations as one kernel each, equal to layer.apply", () => {
  const x = tf.randomUniform([2, 6, 6, 4], -8, 8, "float32", 9);
  const layers: tf.layers.Layer[] = [
    tf.layers.reLU({ maxValue: 6 }),
    tf.layers.reLU({ maxValue: 2.5 }),
    tf.layers.reLU(),
    tf.layers.activation({ activation: "relu6" }),
    tf.layers.activation({ activation: "selu" }),
    tf.layers.activation({ activation: "softmax" }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: "relu6" }),
    tf.layers.separableConv2d({ filters: 3, kernelSize: 3, padding: "same", activation: "elu" }),
    tf.layers.conv2d({ filters: 3, kernelSize: 1, activation: "sigmoid" }),
    tf.layers.dense({ units: 5, activation: "tanh" }),
    tf.layers.globalMaxPooling2d({}),
  ];
  for (const layer of layers) {
    const expected = layer.apply(x, { training: false }) as tf.Tensor;
    const actual = applyLayer(layer, x) as tf.Tensor;
    assertAllClose(actual, expected, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([expected, actual]);
    layer.dispose();
  }
  x.dispose();
});

Deno.test("applyLayer() GlobalMaxPooling2D sends the gradient to the first maximum at ties, as PyTorch", () => {
  const layer = tf.layers.globalMaxPooling2d({});
  const x = tf.zeros([1, 3, 3, 2]);
  const g = tf.grad((v: tf.Tensor) => (applyLayer(layer, v) as tf.Tensor).sum())(x);
  const expected = tf.tidy(() =>
    tf.zeros([1, 3, 3, 2]).add(tf.oneHot([0], 9).reshape([1, 3, 3, 1]))
  );
  assertAllClose(g, expected, { atol: 0 });
  tf.dispose([x, g, expected]);
});
