import assert from "node:assert/strict";
import { LayerActivation, LayerGradientXActivation, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel, oneConvInput, oneConvNet, residualModel } from "./_models.ts";

Deno.test("`LayerGradientXActivation.attribute()` is activation × gradient on MultiLayer", async () => {
  // out0 = Σ relu(linear1) − 1: at linear1, ∂out0/∂A = 1[A > 0]. A = [−4, 7, 7, 7] and
  // [5, 16, 16, 16] for s = 6 and 15.
  const model = multiLayerModel();
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const lgxa = new LayerGradientXActivation(model, "linear1");
  assert.equal(lgxa.multiplyByInputs, true);
  const attr = await lgxa.attribute(x, { target: 0 });
  assertAllClose(attr, tf.tensor2d([[0, 7, 7, 7], [5, 16, 16, 16]]), { atol: 1e-5 });
  // One target per example (linear2's rows are equal, so target 1 has the same gradient).
  const perExample = await lgxa.attribute(x, { target: [1, 0] });
  assertAllClose(perExample, attr, { atol: 1e-5 });
  // multiplyByInputs false: the plain layer gradient.
  const local = new LayerGradientXActivation(model, "linear1", { multiplyByInputs: false });
  assert.equal(local.multiplyByInputs, false);
  const grads = await local.attribute(x, { target: 0 });
  assertAllClose(grads, tf.tensor2d([[0, 1, 1, 1], [1, 1, 1, 1]]), { atol: 1e-6 });
  // attributeToLayerInput: linear1's input is x; ∂out0/∂xᵢ = number of active units (3, then 4).
  const toInput = await lgxa.attribute(x, { target: 0, attributeToLayerInput: true });
  assertAllClose(toInput, tf.tensor2d([[3, 6, 9], [16, 20, 24]]), { atol: 1e-5 });
  const inputGrads = await local.attribute(x, { target: 0, attributeToLayerInput: true });
  assertAllClose(inputGrads, tf.tensor2d([[3, 3, 3], [4, 4, 4]]), { atol: 1e-6 });
  tf.dispose([x, attr, perExample, grads, toInput, inputGrads]);
});

Deno.test("`LayerGradientXActivation.attribute()` matches the one-conv net closed form", async () => {
  // conv1 = [−5, 4, 31, 40] (channel 0) and [−30, −21, 6, 15] (channel 1); fc1 unit 0 weighs
  // channel 0 by 1 and channel 1 by [1, −1, −1, −1], and is active (54), so ∂out0/∂conv1 =
  // weight · 1[conv1 > 0]. NHWC order: (p0 c0, p0 c1, p1 c0, …).
  const model = oneConvNet();
  const x = oneConvInput();
  const attr = await new LayerGradientXActivation(model, "conv1").attribute(x, { target: 0 });
  assert.deepEqual(attr.shape, [1, 2, 2, 2]);
  assertAllClose(attr, [0, 0, 4, 0, 31, -6, 40, -15], { atol: 1e-4 });
  // After conv1 the network is piecewise linear without biases: the attributions sum to out0.
  assertAllClose(attr.sum(), [54], { atol: 1e-4 });
  // The layer object works as well as its name, and equals gradient × LayerActivation.
  const grads = await new LayerGradientXActivation(model, model.getLayer("conv1"), {
    multiplyByInputs: false,
  }).attribute(x, { target: 0 });
  assertAllClose(grads, [0, 0, 1, 0, 1, -1, 1, -1], { atol: 1e-6 });
  const act = await new LayerActivation(model, "conv1").attribute(x);
  assertAllClose(attr, grads.mul(act), { atol: 1e-5 });
  tf.dispose([x, attr, grads, act]);
});

Deno.test("`LayerGradientXActivation.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 10);
  const lgxa = new LayerGradientXActivation(model, "conv_b");
  await assertNoLeak(() => lgxa.attribute(x, { target: 1 }));
  await assertNoLeak(() => lgxa.attribute(x, { target: [0, 3], attributeToLayerInput: true }));
  await assertNoLeak(() =>
    new LayerGradientXActivation(model, "add", { multiplyByInputs: false }).attribute(x, {
      target: 2,
    })
  );
  x.dispose();
});

Deno.test("`LayerGradientXActivation.attribute()` rejects an out-of-range target and leaks nothing", async () => {
  const model = residualModel();
  const x = tf.randomNormal([1, 5, 5, 2], 0, 1, "float32", 9);
  await assertNoLeak(async () => {
    await assert.rejects(
      () => new LayerGradientXActivation(model, "add").attribute(x, { target: 7 }),
      RangeError,
    );
  });
  await assert.rejects(
    () =>
      new LayerGradientXActivation(multiLayerModel(), "relu").attribute(tf.ones([2, 3]), {
        target: 2,
      }),
    /^RangeError: Cannot compute LayerGradientXActivation attributions: target must be a class index below the model's 2 outputs, received 2/,
  );
  x.dispose();
});

Deno.test("`LayerGradientXActivation` rejects an unknown layer", () => {
  assert.throws(() => new LayerGradientXActivation(multiLayerModel(), "nope"), {
    name: "TypeError",
    message:
      'Cannot compute LayerGradientXActivation attributions: layer must be one of the model\'s layers ("linear0", "linear1", "relu", "linear2"), received "nope". Pass one of these names or the layer object itself.',
  });
  assert.throws(
    () => new LayerGradientXActivation(oneConvNet(), "conv9", { multiplyByInputs: false }),
    /layer must be one of the model's layers \("conv1", "relu1", "flatten", "fc1", "relu2"\), received "conv9"/,
  );
});
