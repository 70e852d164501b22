import assert from "node:assert/strict";
import { Deconvolution, GuidedBackprop, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";
import { oneConvImage, oneConvNet } from "../_helpers/one_conv_net.ts";

Deno.test("`GuidedBackprop.attribute()` matches Captum's one-conv closed form", async () => {
  const x = oneConvImage();
  const attr = await new GuidedBackprop(oneConvNet()).attribute(x, { target: 0 });
  assert.deepEqual(attr.shape, [1, 4, 4, 1]);
  assertAllClose(attr, [[0, 1, 1, 1], [1, 3, 3, 2], [1, 3, 3, 2], [1, 2, 2, 1]], { atol: 1e-6 });
  tf.dispose([x, attr]);
});

Deno.test("`GuidedBackprop.attribute()` restores the Relu gradient, also after a throw", async () => {
  const original = tf.getGradient("Relu");
  const x = oneConvImage();
  const gb = new GuidedBackprop(oneConvNet());
  await assertNoLeak(() => gb.attribute(x, { target: 0 }));
  assert.equal(tf.getGradient("Relu"), original);
  const failing = new GuidedBackprop((v: tf.Tensor) => {
    tf.relu(v);
    throw new Error("model failed");
  });
  await assert.rejects(failing.attribute(x), /model failed/);
  assert.equal(tf.getGradient("Relu"), original);
  await assert.rejects(gb.attribute(x, { target: 3 }), RangeError);
  assert.equal(tf.getGradient("Relu"), original);
  await assert.rejects(new Deconvolution(oneConvNet()).attribute(x, { target: 3 }), {
    name: "RangeError",
    message:
      "Cannot compute Deconvolution attributions: target must be a class index below the model's 1 outputs, received 3. Pass an index in [0, 0].",
  });
  assert.equal(tf.getGradient("Relu"), original);
  x.dispose();
});

Deno.test("`GuidedBackprop.attribute()` reaches ReLUs fused into conv2d and dense layers", async () => {
  // Under tf.grad TensorFlow.js runs a fused activation as a separate Relu op, so the override
  // applies: the fused model and the one with separate ReLU layers give the same maps.
  const fused = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [6, 6, 1],
        filters: 3,
        kernelSize: 3,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 4,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  const separate = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3 }),
      tf.layers.reLU(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4 }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 2 }),
    ],
  });
  const weights = fused.getWeights();
  separate.setWeights(weights);
  const x = tf.randomUniform([2, 6, 6, 1], -1, 1, "float32", 7);
  for (const Method of [GuidedBackprop, Deconvolution]) {
    const a = await new Method(fused).attribute(x, { target: 1 });
    const b = await new Method(separate).attribute(x, { target: 1 });
    assertAllClose(a, b, { atol: 1e-6, message: Method.name });
    tf.dispose([a, b]);
  }
  // The override really acted on the fused model: guided gradients differ from plain ones.
  const guided = await new GuidedBackprop(fused).attribute(x, { target: 1 });
  const plain = tf.tidy(() =>
    tf.grad((v: tf.Tensor) => (fused.predict(v) as tf.Tensor).slice([0, 1], [-1, 1]).sum())(x)
  );
  assert.ok(
    (guided.sub(plain).abs().max().arraySync() as number) > 1e-4,
    "guided backprop equals the plain gradient",
  );
  tf.dispose([x, guided, plain]);
});
