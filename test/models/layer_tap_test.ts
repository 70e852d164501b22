import assert from "node:assert/strict";
import { LayerTap } from "../../lib/models/layer_tap.ts";
import { modelForwardFunction } from "../../lib/models/_model_graph.ts";
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

Deno.test("`LayerTap` accepts a layer object and rejects forward functions", () => {
  const tap = new LayerTap(model, model.getLayer("conv_b"));
  assert.equal(tap.layerName, "conv_b");
  assert.throws(
    () => new LayerTap(((t: tf.Tensor) => t) as unknown as tf.LayersModel, "x"),
    /model must be a tf.LayersModel/,
  );
});

// Two inputs: image → conv → flatten ─┐
//             vector → dense ─────────┴ concatenate ("merge") → dense ("out"); vector also feeds
// "skip", added to the output (a branch that bypasses the merge).
function twoInputModel(): tf.LayersModel {
  const image = tf.input({ shape: [4, 4, 1], name: "image" });
  const vector = tf.input({ shape: [3], name: "vector" });
  const seed = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const conv = tf.layers.conv2d({
    name: "conv",
    filters: 2,
    kernelSize: 3,
    activation: "relu",
    kernelInitializer: seed(1),
  }).apply(image) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: "flatten" }).apply(conv) as tf.SymbolicTensor;
  const vec = tf.layers.dense({
    name: "vec",
    units: 4,
    activation: "relu",
    kernelInitializer: seed(2),
  })
    .apply(vector) as tf.SymbolicTensor;
  const merged = tf.layers.concatenate({ name: "merge" }).apply([flat, vec]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: "out", units: 3, kernelInitializer: seed(3) })
    .apply(merged) as tf.SymbolicTensor;
  const skip = tf.layers.dense({ name: "skip", units: 3, kernelInitializer: seed(4) })
    .apply(vector) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: "sum" }).apply([out, skip]) as tf.SymbolicTensor;
  return tf.model({ inputs: [image, vector], outputs: sum });
}

const two = twoInputModel();
const xs = [
  tf.randomUniform([2, 4, 4, 1], -1, 1, "float32", 21),
  tf.randomUniform([2, 3], -1, 1, "float32", 22),
];

Deno.test("`modelForwardFunction()` runs a two-input model as model.predict, inputs in order", () => {
  const forward = modelForwardFunction(two);
  assertAllClose(forward(...xs), two.predict(xs) as tf.Tensor, { rtol: 1e-5, atol: 1e-6 });
  assert.throws(
    () => modelForwardFunction(two, "IntegratedGradients")(xs[0]),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Cannot compute IntegratedGradients attributions: the model's inputs must be 2 tensors \("image", "vector", in this order\), received 1\./,
      );
      return true;
    },
  );
});

Deno.test("`LayerTap` on a two-input model reads and substitutes a layer, the bypass branch kept", () => {
  tf.tidy(() => {
    const tap = new LayerTap(two, "out");
    assert.equal(tap.tensorCount, 1);
    const { layerValue, output } = tap.forwardWithTap(xs);
    assertAllClose(output, two.predict(xs) as tf.Tensor, { rtol: 1e-5, atol: 1e-6 });
    const sub = tf.model({ inputs: two.inputs, outputs: two.getLayer("out").output });
    assertAllClose(layerValue, sub.predict(xs) as tf.Tensor, { rtol: 1e-5, atol: 1e-6 });
    // Substituting zeros leaves the skip branch, read from the vector input.
    const skip = two.getLayer("skip").apply(xs[1]) as tf.Tensor;
    assertAllClose(tap.forwardFrom(tf.zerosLike(layerValue), xs), skip, { atol: 1e-6 });
    assert.throws(() => tap.layerValue(xs[0]), /must be 2 tensors/);
  });
});

Deno.test("`LayerTap` with attributeToLayerInput on a merge layer taps one tensor per input", () => {
  tf.tidy(() => {
    const tap = new LayerTap(two, "merge", { attributeToLayerInput: true, caller: "M" });
    assert.equal(tap.tensorCount, 2);
    assert.deepEqual(tap.valueShapes, [[8], [4]]);
    const [flat, vec] = tap.layerValues(xs);
    const byHand = tf.model({
      inputs: two.inputs,
      outputs: [two.getLayer("flatten").output, two.getLayer("vec").output] as tf.SymbolicTensor[],
    }).predict(xs) as tf.Tensor[];
    assertAllClose(flat, byHand[0], { rtol: 1e-5, atol: 1e-6 });
    assertAllClose(vec, byHand[1], { rtol: 1e-5, atol: 1e-6 });
    assertAllClose(tap.forwardFrom([flat, vec], xs), two.predict(xs) as tf.Tensor, {
      rtol: 1e-5,
      atol: 1e-6,
    });
    // The gradient with respect to both tapped tensors: the model is linear after the merge.
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tap.forwardFrom([a, b], xs).slice([0, 1], [-1, 1]).sum();
    const [ga, gb] = tf.grads(f)([flat, vec]);
    const [da, db] = [flat, vec].map((t, i) => tf.randomNormal(t.shape, 0, 0.1, "float32", 30 + i));
    const diff = f(flat.add(da), vec.add(db)).sub(f(flat, vec));
    assertAllClose(diff, ga.mul(da).sum().add(gb.mul(db).sum()), { rtol: 1e-4, atol: 1e-5 });
    for (
      const [call, name] of [
        [() => tap.layerValue(xs), "layerValue\\(\\)"],
        [() => tap.valueShape, "valueShape"],
        [() => tap.forwardWithTap(xs), "forwardWithTap\\(\\)"],
      ] as const
    ) {
      assert.throws(
        call,
        new RegExp(
          `^TypeError: Cannot compute M attributions: ${name} needs a tap with one tensor, but the input of layer "merge" is 2 tensors`,
        ),
      );
    }
    assert.throws(
      () => tap.forwardFrom(flat, xs),
      /the value substituted for layer "merge" must be 2 tensor\(s\), one per input of the layer, received 1/,
    );
  });
});

Deno.test("`LayerTap.forwardFromTensor()` differentiates through every reader of the tensor", () => {
  tf.tidy(() => {
    // add(conv_b(relu_a(conv_a)), conv_a): conv_a is the add's second input and relu_a's input.
    const tap = new LayerTap(model, "add", { attributeToLayerInput: true });
    const [b, a] = tap.layerValues(x);
    const f = (out: tf.Tensor) => out.slice([0, 1], [-1, 1]).sum();
    // Captum's gradient with respect to conv_a: also through relu_a → conv_b, the first input.
    const total = tf.grad((v: tf.Tensor) => f(tap.forwardFromTensor(1, v, x)))(a);
    const full = new LayerTap(model, "conv_a");
    const expected = tf.grad((v: tf.Tensor) => f(full.forwardFrom(v, x)))(full.layerValue(x));
    assertAllClose(total, expected, { rtol: 1e-4, atol: 1e-6 });
    // The add's own input only (forwardFrom) differs, and the first input's gradients agree.
    const partial = tf.grads((u: tf.Tensor, v: tf.Tensor) => f(tap.forwardFrom([u, v], x)))([b, a]);
    assert.ok(partial[1].sub(total).abs().max().dataSync()[0] > 1e-3);
    const first = tf.grad((v: tf.Tensor) => f(tap.forwardFromTensor(0, v, x)))(b);
    assertAllClose(first, partial[0], { atol: 1e-6 });
  });
});

Deno.test("`LayerTap` taps the several outputs of a layer (an LSTM returning its states)", () => {
  const input = tf.input({ shape: [3, 2], name: "seq" });
  const [seqOut, h, c] = tf.layers.lstm({
    name: "lstm",
    units: 2,
    returnState: true,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: 6 }),
  }).apply(input) as tf.SymbolicTensor[];
  const sum = tf.layers.add({ name: "sum" }).apply([seqOut, h, c]) as tf.SymbolicTensor;
  const lstmModel = tf.model({ inputs: input, outputs: sum });
  const x3 = tf.randomUniform([2, 3, 2], -1, 1, "float32", 9);
  tf.tidy(() => {
    const tap = new LayerTap(lstmModel, "lstm");
    assert.deepEqual(tap.valueShapes, [[2], [2], [2]]);
    const values = tap.layerValues(x3);
    assertAllClose(values[0].add(values[1]).add(values[2]), lstmModel.predict(x3) as tf.Tensor, {
      atol: 1e-6,
    });
    const replaced = values.map((v) => v.mul(2));
    assertAllClose(tap.forwardFrom(replaced, x3), (lstmModel.predict(x3) as tf.Tensor).mul(2), {
      atol: 1e-5,
    });
  });
});

Deno.test("`LayerTap` rejects a model with several outputs", () => {
  const a = tf.input({ shape: [2] });
  const d1 = tf.layers.dense({ units: 1, name: "d1" }).apply(a) as tf.SymbolicTensor;
  const d2 = tf.layers.dense({ units: 1, name: "d2" }).apply(a) as tf.SymbolicTensor;
  const m = tf.model({ inputs: a, outputs: [d1, d2] });
  assert.throws(() => new LayerTap(m, "d1"), /model must have one output, received 2 outputs/);
});
