import assert from "node:assert/strict";
import { DeepLift, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../fixtures/load_fixture.ts";

/** f = 2·relu(x1) + 2·relu(x2 − 1.5) (Captum's ReLU test model), one input [N, 2]. */
const reluModel = (x: tf.Tensor) =>
  tf.tidy(() => tf.relu(x.sub(tf.tensor2d([[0, 1.5]]))).mul(2).sum(1, true));

Deno.test("`DeepLift.attribute()` matches Captum's closed form [2, 1] / [2, 0.5]", async () => {
  const x = tf.tensor2d([[1, 2]]);
  const { attributions, delta } = await new DeepLift(reluModel).attributeWithDelta(x);
  assertAllClose(attributions, [2, 1], { atol: 1e-6 });
  assertAllClose(delta, [0], { atol: 1e-6 });
  const local = await new DeepLift(reluModel, { multiplyByInputs: false }).attribute(x);
  assertAllClose(local, [2, 0.5], { atol: 1e-6 });
  tf.dispose([x, attributions, delta, local]);
});

Deno.test("`DeepLift.attribute()` sums exactly to F(x) − F(x′) on the tutorial CNN", async () => {
  const { model, inputs, targets } = loadCaptumFixture();
  const baselines = tf.fill([1, 28, 28, 1], 0.25);
  const { attributions, delta } = await new DeepLift(model).attributeWithDelta(inputs, {
    target: targets,
    baselines,
  });
  const totals = attributions.sum([1, 2, 3]).arraySync() as number[];
  delta.arraySync().forEach((d, i) => {
    assert.ok(Math.abs(d) <= 1e-4 * Math.abs(totals[i] - d), `example ${i}: delta ${d}`);
  });
  tf.dispose([baselines, attributions, delta]);
});

Deno.test("`DeepLift.attribute()` rescales sigmoid, tanh, elu, leakyRelu and softplus", async () => {
  // One nonlinearity after a linear map: the Rescale rule makes the sum exact for any of them.
  const w = tf.tensor2d([[0.7], [-1.3], [0.4]]);
  const x = tf.tensor2d([[1, 2, -0.5], [-2, 0.3, 1]]);
  const b = tf.tensor2d([[0.2, -0.1, 0.5]]);
  const fns: Array<[string, (t: tf.Tensor) => tf.Tensor]> = [
    ["sigmoid", tf.sigmoid],
    ["tanh", tf.tanh],
    ["elu", tf.elu],
    ["leakyRelu", (t) => tf.leakyRelu(t, 0.1)],
    ["softplus", tf.softplus],
    ["relu6", tf.relu6],
  ];
  for (const [name, fn] of fns) {
    const model = (v: tf.Tensor) => fn(v.matMul(w)).mul(3);
    const { attributions, delta } = await new DeepLift(model).attributeWithDelta(x, {
      baselines: b,
      target: 0,
    });
    assertAllClose(delta, [0, 0], { atol: 1e-5, message: name });
    // Each feature's share is proportional to its linear contribution w_i (x_i − b_i).
    const expected = tf.tidy(() => {
      const lin = x.sub(b).mul(w.reshape([1, 3]));
      const total = fn(x.matMul(w)).sub(fn(b.matMul(w))).mul(3);
      return lin.div(lin.sum(1, true)).mul(total);
    });
    assertAllClose(attributions, expected, { rtol: 1e-4, atol: 1e-5, message: name });
    tf.dispose([attributions, delta, expected]);
  }
  tf.dispose([w, x, b]);
});

Deno.test("`DeepLift.attribute()` is zero when the inputs equal the baselines (plain gradient below eps)", async () => {
  const x = tf.tensor2d([[1, 2]]);
  const attr = await new DeepLift(reluModel).attribute(x, { baselines: x });
  assertAllClose(attr, [0, 0], { atol: 0 });
  const local = await new DeepLift(reluModel, { multiplyByInputs: false }).attribute(x, {
    baselines: x,
  });
  assertAllClose(local, [2, 2], { atol: 0 }); // |Δin| < eps: the plain gradient
  tf.dispose([x, attr, local]);
});

Deno.test("`DeepLift.attribute()` applies Captum's max-pooling rule (closed form)", async () => {
  // One 2×2 window: y = 3 at (0, 1), y′ = 4 at (1, 1). Cross max 4: the input half routes
  // max − y′ = 0 to its argmax, the baseline half y − max = −1 to its own; the sum over Δx.
  const pooled = (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, "valid").reshape([-1, 1]);
  const x = tf.tensor4d([1, 3, 2, 0], [1, 2, 2, 1]);
  const baselines = tf.tensor4d([0, 0, 0, 4], [1, 2, 2, 1]);
  const { attributions, delta } = await new DeepLift(pooled).attributeWithDelta(x, {
    baselines,
    target: 0,
  });
  assertAllClose(attributions.reshape([4]), [0, 0, 0, -1], { atol: 1e-7 });
  assertAllClose(delta, [0], { atol: 1e-6 }); // sums to F(x) − F(x′) = 3 − 4
  const multipliers = await new DeepLift(pooled, { multiplyByInputs: false }).attribute(x, {
    baselines,
    target: 0,
  });
  assertAllClose(multipliers.reshape([4]), [0, 0, 0, 0.25], { atol: 1e-7 });
  tf.dispose([x, baselines, attributions, delta, multipliers]);
});

Deno.test("`DeepLift.attribute()` sums to F(x) − F(x′) through conv, ReLU and max pooling", async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 2],
        filters: 4,
        kernelSize: 3,
        padding: "same",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        biasInitializer: tf.initializers.constant({ value: 0.05 }),
      }),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const x = tf.randomUniform([3, 8, 8, 2], -1, 1, "float32", 3);
  const baselines = tf.randomUniform([3, 8, 8, 2], -1, 1, "float32", 4);
  await assertNoLeak(async () => {
    const { attributions, delta } = await new DeepLift(model).attributeWithDelta(x, {
      baselines,
      target: [0, 1, 2],
    });
    const [scale, worst] = tf.tidy(() => [
      attributions.abs().sum([1, 2, 3]).max().dataSync()[0],
      delta.abs().max().dataSync()[0],
    ]);
    assert.ok(worst <= 1e-5 * scale, `convergence delta ${worst} (attribution scale ${scale})`);
    tf.dispose([attributions, delta]);
  });
  tf.dispose([x, baselines]);
  model.dispose();
});

Deno.test("`DeepLift.attribute()` restores every gradient after a throw", async () => {
  const kernels = ["Relu", "Sigmoid", "Tanh", "Softmax", "MaxPool", "Elu", "LeakyRelu"];
  const originals = kernels.map((k) => tf.getGradient(k));
  const pooled = (x: tf.Tensor) =>
    tf.maxPool(tf.relu(x) as tf.Tensor4D, 2, 2, "valid").reshape([-1, 4]);
  const x = tf.ones([1, 4, 4, 1]);
  await assertNoLeak(async () => {
    await assert.rejects(new DeepLift(pooled).attribute(x, { target: 4 }), {
      name: "RangeError",
      message: /target must be a class index below the model's 4 outputs, received 4/,
    });
  });
  kernels.forEach((k, i) => assert.equal(tf.getGradient(k), originals[i], k));
  tf.dispose(x);
});

Deno.test("`DeepLift.attribute()` leaks no tensors", async () => {
  const { model, inputs, targets } = loadCaptumFixture();
  const dl = new DeepLift(model);
  await dl.attribute(inputs, { target: targets }).then((t) => t.dispose());
  await assertNoLeak(() => dl.attribute(inputs, { target: targets }));
  await assertNoLeak(() => dl.attributeWithDelta(inputs, { target: targets, baselines: 0.1 }));
});
