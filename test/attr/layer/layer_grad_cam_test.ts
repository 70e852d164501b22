import assert from "node:assert/strict";
import { LayerGradCam, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { oneConvInput, oneConvNet, residualModel } from "./_models.ts";

Deno.test("`LayerGradCam.attribute()` matches Captum's one-conv net closed form", async () => {
  const model = oneConvNet();
  const x = oneConvInput();
  const cam = await new LayerGradCam(model, "conv1").attribute(x, { target: 0 });
  assert.deepEqual(cam.shape, [1, 2, 2, 1]);
  assertAllClose(cam, [11.25, 13.5, 20.25, 22.5], { atol: 1e-4 });
  // The layer object works as well as its name.
  const byObject = await new LayerGradCam(model, model.getLayer("conv1")).attribute(x, {
    target: 0,
  });
  assertAllClose(byObject, cam);
});

Deno.test("`LayerGradCam.attribute()` honours reluAttributions and attrDimSummation", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 1);
  const gc = new LayerGradCam(model, "conv_b");
  const raw = await gc.attribute(x, { target: 1 });
  const relu = await gc.attribute(x, { target: 1, reluAttributions: true });
  assertAllClose(relu, tf.relu(raw));
  const perChannel = await gc.attribute(x, { target: 1, attrDimSummation: false });
  assert.deepEqual(perChannel.shape, [2, 5, 5, 3]);
  assertAllClose(perChannel.sum(3, true), raw, { atol: 1e-5 });
  assert.ok(raw.abs().max().dataSync()[0] > 0);
});

Deno.test("`LayerGradCam.attribute()` works inside a branch and on the merge layer", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 2);
  for (const layer of ["conv_a", "relu_a", "conv_b", "add"]) {
    const cam = await new LayerGradCam(model, layer).attribute(x, { target: [0, 3] });
    assert.deepEqual(cam.shape, [2, 5, 5, 1], layer);
  }
  // On the merge: by hand, weights = spatial mean of ∂F/∂add, map = Σ_c w_c · add_c.
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer("add").output });
  const a = sub.predict(x) as tf.Tensor;
  const rest = (v: tf.Tensor) =>
    model.getLayer("dense").apply(
      model.getLayer("flatten").apply(model.getLayer("relu_add").apply(v) as tf.Tensor),
    ) as tf.Tensor;
  const g = tf.grad((v: tf.Tensor) => rest(v).slice([0, 2], [-1, 1]).sum())(a);
  const expected = g.mean([1, 2], true).mul(a).sum(3, true);
  const cam = await new LayerGradCam(model, "add").attribute(x, { target: 2 });
  assertAllClose(cam, expected, { rtol: 1e-4, atol: 1e-5 });
});

Deno.test("`LayerGradCam.attribute()` leaks no tensors", async () => {
  const model = oneConvNet();
  const x = oneConvInput();
  const gc = new LayerGradCam(model, "conv1");
  await assertNoLeak(() => gc.attribute(x, { target: 0 }));
  await assertNoLeak(() => gc.attribute(x, { target: 0, attributeToLayerInput: true }));
});

Deno.test("`LayerGradCam` rejects a forward function and an unknown layer", () => {
  assert.throws(
    () => new LayerGradCam(((x: tf.Tensor) => x) as unknown as tf.LayersModel, "conv1"),
    TypeError,
  );
  assert.throws(
    () => new LayerGradCam(oneConvNet(), "conv9"),
    /layer must be one of the model's layers \("conv1", "relu1", "flatten", "fc1", "relu2"\)/,
  );
});

Deno.test("`LayerGradCam.attribute()` at the output layer weighs each logit by its own gradient", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 3);
  const gc = new LayerGradCam(model, "dense");
  // A 2-D layer: the map is Σ_c ∂F/∂logit_c · logit_c, the target's logit itself.
  const cam = await gc.attribute(x, { target: [3, 1] });
  const logits = model.predict(x) as tf.Tensor2D;
  const l = logits.arraySync();
  assertAllClose(cam, [[l[0][3]], [l[1][1]]], { rtol: 1e-5, atol: 1e-6 });
  await assertNoLeak(() => gc.attribute(x, { target: 2 }));
  tf.dispose([x, cam, logits]);
});
