import assert from "node:assert/strict";
import { CLASSIFIER_LAYER_NAMES, createClassifier, tf } from "../../lib/mod.ts";

Deno.test("`createClassifier()` stacks conv1, relu1, conv2, relu2, flatten, dense in order", () => {
  const model = createClassifier({ seed: 0 });
  assert.deepEqual(model.layers.map((l) => l.name), [...CLASSIFIER_LAYER_NAMES]);
  assert.deepEqual(model.layers.map((l) => l.getClassName()), [
    "Conv2D",
    "ReLU",
    "Conv2D",
    "ReLU",
    "Flatten",
    "Dense",
  ]);
  const conv1 = model.getLayer("conv1").getConfig();
  const conv2 = model.getLayer("conv2").getConfig();
  assert.equal(conv1.filters, 32);
  assert.equal(conv2.filters, 16);
  for (const c of [conv1, conv2]) {
    assert.deepEqual(c.kernelSize, [3, 3]);
    assert.equal(c.padding, "same");
    assert.deepEqual(c.strides, [1, 1]);
    assert.equal(c.activation, "linear");
    assert.equal(c.dataFormat, "channelsLast");
  }
  assert.equal(model.getLayer("dense").getConfig().units, 10);
  assert.equal(model.getLayer("dense").getConfig().activation, "linear");
  model.dispose();
});

Deno.test("`createClassifier()` has the tutorial's shapes and 130,394 parameters", () => {
  const model = createClassifier({ seed: 0 });
  assert.deepEqual(model.inputs[0].shape, [null, 28, 28, 1]);
  assert.deepEqual(model.layers.map((l) => l.outputShape), [
    [null, 28, 28, 32],
    [null, 28, 28, 32],
    [null, 28, 28, 16],
    [null, 28, 28, 16],
    [null, 12544],
    [null, 10],
  ]);
  assert.deepEqual(model.layers.map((l) => l.countParams()), [320, 0, 4624, 0, 0, 125450]);
  assert.equal(model.countParams(), 130394);
  assert.deepEqual(model.getLayer("conv1").getWeights().map((w) => w.shape), [[3, 3, 1, 32], [32]]);
  assert.deepEqual(model.getLayer("dense").getWeights().map((w) => w.shape), [[12544, 10], [10]]);
  model.dispose();
});

Deno.test("`createClassifier()` maps [N, 28, 28, 1] to [N, 10] logits without leaks", () => {
  const model = createClassifier({ seed: 1 });
  const x = tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 7);
  const before = tf.memory().numTensors;
  const y = model.predict(x) as tf.Tensor;
  assert.deepEqual(y.shape, [3, 10]);
  assert.equal(y.dtype, "float32");
  // Logits, not probabilities: rows do not sum to one and may be negative.
  const rowSums = tf.tidy(() => y.sum(1).dataSync());
  assert.ok(Array.from(rowSums).some((s) => Math.abs(s - 1) > 1e-3));
  y.dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  model.dispose();
});

Deno.test("`createClassifier()` is deterministic for a seed and differs across seeds", () => {
  const weights = (seed: number) => {
    const model = createClassifier({ seed });
    const values = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return values;
  };
  const a = weights(3);
  assert.deepEqual(a, weights(3));
  assert.notDeepEqual(a[0], weights(4)[0]);
  // Biases start at zero; Glorot-uniform kernels lie within ±sqrt(6 / (fanIn + fanOut)).
  assert.ok(a[1].every((v) => v === 0));
  const limit = Math.sqrt(6 / (9 * 1 + 9 * 32));
  assert.ok(a[0].every((v) => Math.abs(v) <= limit) && a[0].some((v) => v !== 0));
});

Deno.test("`createClassifier()` rejects a non-finite seed with TypeError", () => {
  assert.throws(
    () => createClassifier({ seed: Number.NaN }),
    (e: Error) =>
      e instanceof TypeError && /seed must be a finite number, received NaN/.test(e.message),
  );
});
