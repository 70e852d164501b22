import assert from "node:assert/strict";
import { LayerActivation, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel, oneConvInput, oneConvNet } from "./_models.ts";

Deno.test("`LayerActivation.attribute()` returns MultiLayer's hidden activations in closed form", async () => {
  // s = x1 + x2 + x3 (6 and 15); linear1 = s + [−10, 1, 1, 1]; relu clips unit 0 of row 1.
  const model = multiLayerModel();
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const la = new LayerActivation(model, "relu");
  const out = await la.attribute(x);
  assertAllClose(out, tf.tensor2d([[0, 7, 7, 7], [5, 16, 16, 16]]), { atol: 0 });
  // The layer's input is linear1's output, before the ReLU.
  const input = await la.attribute(x, { attributeToLayerInput: true });
  assertAllClose(input, tf.tensor2d([[-4, 7, 7, 7], [5, 16, 16, 16]]), { atol: 0 });
  // linear0 is the identity, so linear1's input is x itself.
  const linear1In = await new LayerActivation(model, "linear1").attribute(x, {
    attributeToLayerInput: true,
  });
  assertAllClose(linear1In, x, { atol: 0 });
  tf.dispose([x, out, input, linear1In]);
});

Deno.test("`LayerActivation.attribute()` returns the one-conv net's conv output, NHWC", async () => {
  // All-ones 3×3 windows over 0..15 sum to [[45, 54], [81, 90]]; biases −50 and −75.
  const model = oneConvNet();
  const x = oneConvInput();
  const conv = await new LayerActivation(model, "conv1").attribute(x);
  assert.deepEqual(conv.shape, [1, 2, 2, 2]);
  assertAllClose(conv, [-5, -30, 4, -21, 31, 6, 40, 15], { atol: 1e-4 });
  // The layer object works as well as its name.
  const relu = await new LayerActivation(model, model.getLayer("relu1")).attribute(x);
  assertAllClose(relu, [0, 0, 4, 0, 31, 6, 40, 15], { atol: 1e-4 });
  tf.dispose([x, conv, relu]);
});

Deno.test("`LayerActivation.attribute()` leaks no tensors", async () => {
  const model = oneConvNet();
  const x = oneConvInput();
  const la = new LayerActivation(model, "relu1");
  await assertNoLeak(() => la.attribute(x));
  await assertNoLeak(() => la.attribute(x, { attributeToLayerInput: true }));
  const wrongShape = tf.ones([1, 3, 3, 1]);
  await assertNoLeak(async () => {
    await assert.rejects(() => la.attribute(wrongShape), TypeError);
  });
  tf.dispose([x, wrongShape]);
});

Deno.test("`LayerActivation` rejects an unknown layer, a forward function and bad inputs", async () => {
  const model = multiLayerModel();
  assert.throws(() => new LayerActivation(model, "nope"), {
    name: "TypeError",
    message:
      'Cannot compute LayerActivation attributions: layer must be one of the model\'s layers ("linear0", "linear1", "relu", "linear2"), received "nope". Pass one of these names or the layer object itself.',
  });
  assert.throws(
    () => new LayerActivation(model, oneConvNet().getLayer("fc1")),
    /^TypeError: Cannot compute LayerActivation attributions: layer must be one of the model's layers .*received a layer named "fc1" that is not part of this model/,
  );
  assert.throws(
    () => new LayerActivation(((x: tf.Tensor) => x) as unknown as tf.LayersModel, "relu"),
    /^TypeError: Cannot compute LayerActivation attributions: model must be a tf\.LayersModel to attribute to one of its layers, received a function/,
  );
  const la = new LayerActivation(model, "relu");
  await assert.rejects(
    () => la.attribute(tf.tensor1d([1, 2, 3])),
    /^TypeError: Cannot compute LayerActivation attributions: inputs must be a batch with at least 2 dimensions/,
  );
  await assert.rejects(
    () => la.attribute(tf.tensor2d([[1, 2]])),
    /^TypeError: Cannot compute LayerActivation attributions: inputs must be a batch of the model's input shape \[N, 3\], received a float32 tensor of shape \[1, 2\]/,
  );
});
