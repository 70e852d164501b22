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
