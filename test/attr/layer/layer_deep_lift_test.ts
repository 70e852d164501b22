import assert from "node:assert/strict";
import {
  LayerActivation,
  LayerDeepLift,
  LayerDeepLiftShap,
  LayerFeatureAblation,
  LayerGradientShap,
  LayerGradientXActivation,
  NeuronFeatureAblation,
  tf,
} from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../_helpers/captum_fixture.ts";
import { multiLayerModel, residualModel } from "./_models.ts";

Deno.test("`LayerDeepLift.attribute()` sums to F(x) − F(x′) on a ReLU network", async () => {
  const fx = loadCaptumFixture();
  const plain = tf.getGradient("Relu").gradFunc;
  for (const layer of ["conv1", "relu1", "conv2"]) {
    const { attributions, delta } = await new LayerDeepLift(fx.model, layer).attributeWithDelta(
      fx.inputs,
      { target: fx.targets },
    );
    assert.equal(attributions.shape[0], 2);
    assert.ok(delta.abs().max().dataSync()[0] < 1e-3, `${layer}: delta ${delta.dataSync()}`);
  }
  assert.equal(tf.getGradient("Relu").gradFunc, plain);
  // On the residual model, at the merge (everything flows through it).
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 3);
  const b = tf.randomNormal([1, 5, 5, 2], 0, 1, "float32", 4);
  const { delta } = await new LayerDeepLift(model, "add").attributeWithDelta(x, {
    target: 1,
    baselines: b,
  });
  assertAllClose(delta, [0, 0], { atol: 1e-4 });
});

Deno.test("`LayerDeepLift.attribute()` sums to F(x) − F(x′) through max pooling", async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: "conv",
        inputShape: [6, 6, 1],
        filters: 4,
        kernelSize: 3,
        padding: "same",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
      }),
      tf.layers.reLU({ name: "relu" }),
      tf.layers.maxPooling2d({ name: "pool", poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
    ],
  });
  const x = tf.randomUniform([2, 6, 6, 1], -1, 1, "float32", 7);
  const b = tf.randomUniform([1, 6, 6, 1], -1, 1, "float32", 8);
  for (const layer of ["conv", "relu"]) {
    const { attributions, delta } = await new LayerDeepLift(model, layer).attributeWithDelta(x, {
      target: 1,
      baselines: b,
    });
    assertAllClose(delta, [0, 0], { atol: 1e-5, message: layer });
    tf.dispose([attributions, delta]);
  }
  tf.dispose([x, b]);
  model.dispose();
});

Deno.test("`LayerDeepLift.attribute()` on MultiLayer's linear1 rescales the ReLU", async () => {
  // A(x) = [90, 101, 101, 101], A(0) = [−10, 1, 1, 1]; relu multipliers: 90/100 for unit 0, 1 else.
  const model = multiLayerModel();
  const ld = new LayerDeepLift(model, "linear1");
  const attr = await ld.attribute(tf.tensor2d([[0, 100, 0]]), { target: 0 });
  assertAllClose(attr, [90, 100, 100, 100], { atol: 1e-3 });
  const local = await new LayerDeepLift(model, "linear1", { multiplyByInputs: false }).attribute(
    tf.tensor2d([[0, 100, 0]]),
    { target: 0 },
  );
  assertAllClose(local, [0.9, 1, 1, 1], { atol: 1e-5 });
});

Deno.test("`LayerDeepLiftShap.attribute()` is the mean of LayerDeepLift over baseline rows", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 5);
  const rows = tf.randomNormal([3, 5, 5, 2], 0, 1, "float32", 6);
  const ld = new LayerDeepLift(model, "conv_b");
  const parts = [];
  for (let r = 0; r < 3; r++) {
    parts.push(await ld.attribute(x, { target: [0, 2], baselines: rows.slice([r], [1]) }));
  }
  const expected = tf.stack(parts).mean(0);
  const lds = new LayerDeepLiftShap(model, "conv_b");
  const attr = await lds.attribute(x, { target: [0, 2], baselines: rows });
  assertAllClose(attr, expected, { rtol: 1e-4, atol: 1e-5 });
  const chunked = await lds.attribute(x, { target: [0, 2], baselines: rows, internalBatchSize: 4 });
  assertAllClose(chunked, expected, { rtol: 1e-4, atol: 1e-5 });
  await assertNoLeak(() => lds.attribute(x, { target: 1, baselines: rows }));
});

Deno.test("`LayerGradientShap.attribute()` is exact after the last nonlinearity and seeded", async () => {
  // After linear1 the model is relu + linear; at "relu" it is linear, so every sample gives
  // ∂F/∂A ⊙ (A(x) − A(b)) = A(x) − A(b) for target 0 (ones weights).
  const model = multiLayerModel();
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const lgs = new LayerGradientShap(model, "relu");
  const attr = await lgs.attribute(x, { target: 0, baselines: tf.zeros([1, 3]) });
  const a = await new LayerActivation(model, "relu").attribute(x);
  const a0 = await new LayerActivation(model, "relu").attribute(tf.zeros([2, 3]));
  assertAllClose(attr, a.sub(a0), { atol: 1e-5 });
  const { delta } = await lgs.attributeWithDelta(x, { target: 0, baselines: tf.zeros([4, 3]) });
  assert.deepEqual(delta.shape, [10]);
  assertAllClose(delta, new Array(10).fill(0), { atol: 1e-4 });
  // Same seed, same draws; stdevs adds noise.
  const res = residualModel();
  const xr = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 7);
  const rs = new LayerGradientShap(res, "conv_a");
  const opts = { target: 1, baselines: tf.zeros([2, 5, 5, 2]), stdevs: 0.1, seed: 3 };
  assertAllClose(await rs.attribute(xr, opts), await rs.attribute(xr, opts));
  assertAllClose(
    await rs.attribute(xr, { ...opts, internalBatchSize: 3 }),
    await rs.attribute(xr, opts),
    { rtol: 1e-4, atol: 1e-6 },
  );
  await assertNoLeak(() => rs.attribute(xr, opts));
  await assertNoLeak(() => rs.attributeWithDelta(xr, opts));
});

Deno.test("`LayerFeatureAblation.attribute()` ablates activations; inputs reach bypass branches", async () => {
  // On "relu" of MultiLayer: out0 = Σ relu − 1, so ablating a unit to 0 removes its activation.
  const model = multiLayerModel();
  const x = tf.tensor2d([[20, 50, 30]]);
  const lfa = new LayerFeatureAblation(model, "relu");
  const attr = await lfa.attribute(x, { target: 0 });
  assertAllClose(attr, [90, 101, 101, 101], { atol: 1e-4 });
  const grouped = await lfa.attribute(x, {
    target: 0,
    layerMask: tf.tensor2d([[0, 0, 1, 1]], [1, 4], "int32"),
  });
  assertAllClose(grouped, [191, 191, 202, 202], { atol: 1e-4 });
  // On a branch layer of the residual model: equals F(x) − F(x with the unit zeroed) by hand.
  const res = residualModel();
  const xr = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 8);
  const mask = tf.tensor4d(
    Array.from({ length: 75 }, (_, i) => i % 3),
    [1, 5, 5, 3],
    "int32",
  );
  const out = await new LayerFeatureAblation(res, "conv_b").attribute(xr, {
    target: 2,
    layerMask: mask,
    perturbationsPerEval: 2,
  });
  const rest = (v: tf.Tensor, convA: tf.Tensor) =>
    res.getLayer("dense").apply(
      res.getLayer("flatten").apply(
        res.getLayer("relu_add").apply(v.add(convA)) as tf.Tensor,
      ),
    ) as tf.Tensor;
  const convA = res.getLayer("conv_a").apply(xr) as tf.Tensor;
  const convB = res.getLayer("conv_b").apply(res.getLayer("relu_a").apply(convA)) as tf.Tensor;
  const f = rest(convB, convA).slice([0, 2], [-1, 1]).reshape([2]);
  const channel = tf.tensor4d([1, 0, 0], [1, 1, 1, 3]);
  const ablated = rest(convB.mul(tf.scalar(1).sub(channel)), convA).slice([0, 2], [-1, 1])
    .reshape([2]);
  const expected = f.sub(ablated);
  assertAllClose(out.slice([0, 0, 0, 0], [-1, 1, 1, 1]).reshape([2]), expected, {
    rtol: 1e-4,
    atol: 1e-5,
  });
  await assertNoLeak(() => lfa.attribute(x, { target: 0 }));
});

Deno.test("`NeuronFeatureAblation.attribute()` ablates inputs and watches one neuron", async () => {
  const model = multiLayerModel();
  const nfa = new NeuronFeatureAblation(model, "linear1");
  const x = tf.tensor2d([[20, 50, 30]]);
  const attr = await nfa.attribute(x, { neuronSelector: [1] });
  assertAllClose(attr, [20, 50, 30], { atol: 1e-4 });
  const grouped = await nfa.attribute(x, {
    neuronSelector: [1],
    featureMask: tf.tensor2d([[0, 0, 1]], [1, 3], "int32"),
  });
  assertAllClose(grouped, [70, 70, 30], { atol: 1e-4 });
  await assertNoLeak(() => nfa.attribute(x, { neuronSelector: [0] }));
});

Deno.test("layer methods leak nothing and restore overrides when the target is out of range", async () => {
  const model = residualModel();
  const x = tf.randomNormal([1, 5, 5, 2], 0, 1, "float32", 9);
  const plain = tf.getGradient("Relu").gradFunc;
  await assertNoLeak(async () => {
    await assert.rejects(
      () => new LayerGradientXActivation(model, "add").attribute(x, { target: 7 }),
      RangeError,
    );
    await assert.rejects(
      () => new LayerDeepLift(model, "add").attribute(x, { target: 7 }),
      RangeError,
    );
  });
  assert.equal(tf.getGradient("Relu").gradFunc, plain, "the ReLU gradient is restored");
});
