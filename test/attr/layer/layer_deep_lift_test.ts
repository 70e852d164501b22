import assert from "node:assert/strict";
import { LayerDeepLift, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../../fixtures/load_fixture.ts";
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

Deno.test("`LayerDeepLift.attribute()` rejects an out-of-range target, leaks nothing and restores the ReLU gradient", async () => {
  const model = residualModel();
  const x = tf.randomNormal([1, 5, 5, 2], 0, 1, "float32", 9);
  const plain = tf.getGradient("Relu").gradFunc;
  await assertNoLeak(async () => {
    await assert.rejects(
      () => new LayerDeepLift(model, "add").attribute(x, { target: 7 }),
      RangeError,
    );
  });
  assert.equal(tf.getGradient("Relu").gradFunc, plain, "the ReLU gradient is restored");
});
