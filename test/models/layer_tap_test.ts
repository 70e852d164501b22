import assert from "node:assert/strict";
import { LayerTap } from "../../lib/models/layer_tap.ts";
import { tf } from "../../lib/mod.ts";
import { assertAllClose } from "../_helpers/tensor_asserts.ts";

// input → conv_a → relu_a → conv_b → add(conv_b, conv_a) → flatten → dense
function residualModel(): tf.LayersModel {
  const input = tf.input({ shape: [5, 5, 2], name: "image" });
  const convA = tf.layers.conv2d({
    name: "conv_a",
    filters: 3,
    kernelSize: 3,
    padding: "same",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    biasInitializer: tf.initializers.constant({ value: 0.1 }),
  }).apply(input) as tf.SymbolicTensor;
  const reluA = tf.layers.reLU({ name: "relu_a" }).apply(convA) as tf.SymbolicTensor;
  const convB = tf.layers.conv2d({
    name: "conv_b",
    filters: 3,
    kernelSize: 3,
    padding: "same",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
  }).apply(reluA) as tf.SymbolicTensor;
  const add = tf.layers.add({ name: "add" }).apply([convB, convA]) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: "flatten" }).apply(add) as tf.SymbolicTensor;
  const out = tf.layers.dense({
    name: "dense",
    units: 4,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
  }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function sequentialModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        name: "hidden",
        inputShape: [3],
        units: 4,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
      }),
      tf.layers.reLU({ name: "relu" }),
      tf.layers.dense({
        name: "out",
        units: 2,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
      }),
    ],
  });
}

const x = tf.randomUniform([3, 5, 5, 2], -1, 1, "float32", 7);
const model = residualModel();

Deno.test("`LayerTap.forwardWithTap()` matches model.predict on a Sequential model", () => {
  const seq = sequentialModel();
  const xs = tf.randomNormal([4, 3], 0, 1, "float32", 3);
  const tap = new LayerTap(seq, "relu");
  const { layerValue, output } = tap.forwardWithTap(xs);
  const expected = seq.predict(xs) as tf.Tensor;
  assertAllClose(output, expected, { rtol: 1e-5, atol: 1e-6 });
  const sub = tf.model({ inputs: seq.inputs, outputs: seq.getLayer("relu").output });
  assertAllClose(layerValue, sub.predict(xs) as tf.Tensor, { atol: 1e-6 });
  assert.deepEqual(tap.valueShape, [4]);
  tf.dispose([xs, layerValue, output, expected]);
});

Deno.test("`LayerTap.forwardWithTap()` matches model.predict on a residual functional model", () => {
  for (const name of ["conv_a", "relu_a", "conv_b", "add", "dense"]) {
    const tap = new LayerTap(model, name);
    const { layerValue, output } = tap.forwardWithTap(x);
    const expected = model.predict(x) as tf.Tensor;
    assertAllClose(output, expected, { rtol: 1e-5, atol: 1e-6, message: name });
    const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output });
    const subOut = sub.predict(x) as tf.Tensor;
    assertAllClose(layerValue, subOut, { rtol: 1e-5, atol: 1e-6, message: name });
    assertAllClose(tap.layerValue(x), subOut, { rtol: 1e-5, atol: 1e-6, message: name });
  }
});

Deno.test("`LayerTap.forwardFrom()` substitutes the layer output and keeps the bypass branch", () => {
  const tap = new LayerTap(model, "conv_b");
  const replaced = tf.randomNormal([3, 5, 5, 3], 0, 1, "float32", 11);
  const out = tap.forwardFrom(replaced, x);
  // By hand: dense(flatten(replaced + conv_a(x))).
  const convA = model.getLayer("conv_a").apply(x) as tf.Tensor;
  const added = replaced.add(convA);
  const expected = model.getLayer("dense").apply(
    model.getLayer("flatten").apply(added) as tf.Tensor,
  ) as tf.Tensor;
  assertAllClose(out, expected, { rtol: 1e-5, atol: 1e-5 });
  // Substituting the layer's own value reproduces the model.
  const same = tap.forwardFrom(tap.layerValue(x), x);
  assertAllClose(same, model.predict(x) as tf.Tensor, { rtol: 1e-5, atol: 1e-6 });
});

Deno.test("`LayerTap.forwardFrom()` calls an inputs function only when a branch reads the inputs", () => {
  tf.tidy(() => {
    let calls = 0;
    const lazy = () => {
      calls++;
      return x;
    };
    // conv_b's output: the add also reads conv_a, which reads the model input.
    const bypassed = new LayerTap(model, "conv_b");
    const viaFunction = bypassed.forwardFrom(bypassed.layerValue(x), lazy);
    assert.equal(calls, 1);
    assertAllClose(viaFunction, model.predict(x) as tf.Tensor, { rtol: 1e-5, atol: 1e-6 });
    // The merge's output: nothing after it reads the input.
    const merged = new LayerTap(model, "add");
    merged.forwardFrom(merged.layerValue(x), lazy);
    assert.equal(calls, 1);
  });
});

Deno.test("`LayerTap.forwardFrom()` with attributeToLayerInput replaces only that layer's input", () => {
  // relu_a's input is conv_a's output, which also feeds the add: that branch keeps conv_a(x).
  const tap = new LayerTap(model, "relu_a", { attributeToLayerInput: true });
  assert.deepEqual(tap.valueShape, [5, 5, 3]);
  const convA = model.getLayer("conv_a").apply(x) as tf.Tensor;
  assertAllClose(tap.layerValue(x), convA, { atol: 1e-6 });
  const zeros = tf.zerosLike(convA);
  const out = tap.forwardFrom(zeros, x);
  const convB = model.getLayer("conv_b").apply(tf.zerosLike(convA)) as tf.Tensor;
  const expected = model.getLayer("dense").apply(
    model.getLayer("flatten").apply(convB.add(convA)) as tf.Tensor,
  ) as tf.Tensor;
  assertAllClose(out, expected, { rtol: 1e-5, atol: 1e-5 });
});

Deno.test("`LayerTap` gradients through forwardFrom equal finite differences", () => {
  const tap = new LayerTap(model, "add");
  const a = tap.layerValue(x);
  const f = (v: tf.Tensor) => tap.forwardFrom(v, x).slice([0, 1], [-1, 1]).sum();
  const g = tf.grad(f)(a);
  // The model after "add" is linear: f(a + d) − f(a) = Σ g·d exactly.
  const d = tf.randomNormal(a.shape, 0, 0.1, "float32", 5);
  const diff = f(a.add(d)).sub(f(a));
  assertAllClose(diff, g.mul(d).sum(), { rtol: 1e-4, atol: 1e-5 });
});

Deno.test("`LayerTap` leaks no tensors inside tf.tidy", () => {
  const tap = new LayerTap(model, "conv_b");
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const { layerValue } = tap.forwardWithTap(x);
    tap.forwardFrom(layerValue, x);
  });
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("`LayerTap` rejects an unknown layer, listing the model's layer names", () => {
  assert.throws(
    () => new LayerTap(model, "conv_z", { caller: "LayerGradCam" }),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /^Cannot compute LayerGradCam attributions: layer must be one of/);
      for (const n of ["conv_a", "relu_a", "conv_b", "add", "flatten", "dense"]) {
        assert.ok(e.message.includes(`"${n}"`), n);
      }
      assert.match(e.message, /received "conv_z"/);
      return true;
    },
  );
  const stranger = tf.layers.dense({ units: 1, name: "stranger" });
  assert.throws(() => new LayerTap(model, stranger), /not part of this model/);
});

Deno.test("`LayerTap` accepts a layer object and rejects a multi-input tap and forward functions", () => {
  const tap = new LayerTap(model, model.getLayer("conv_b"));
  assert.equal(tap.layerName, "conv_b");
  assert.throws(
    () => new LayerTap(model, "add", { attributeToLayerInput: true }),
    /input of layer "add" must be a single tensor, received 2 tensors/,
  );
  assert.throws(
    () => new LayerTap(((t: tf.Tensor) => t) as unknown as tf.LayersModel, "x"),
    /model must be a tf.LayersModel/,
  );
});
