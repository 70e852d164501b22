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
