import assert from "node:assert/strict";
import { APPROXIMATION_METHODS, IntegratedGradients, tf } from "../../lib/mod.ts";
import { approximationParameters } from "../../lib/attr/_utils/approximation.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../fixtures/load_fixture.ts";

/** Captum's BasicModel2 on one input [N, 2]: relu(relu(x1) − 1 − relu(x2)). */
const basicModel2 = (x: tf.Tensor) =>
  tf.tidy(() => {
    const [x1, x2] = tf.split(x, 2, 1);
    return tf.relu(tf.relu(x1).sub(1).sub(tf.relu(x2)));
  });
const square = (x: tf.Tensor) => x.square().sum(1, true);

Deno.test("`IntegratedGradients.attribute()` matches Captum's BasicModel2 closed form", async () => {
  const x = tf.tensor2d([[3, 1]]);
  const ig = new IntegratedGradients(basicModel2);
  const { attributions, delta } = await ig.attributeWithDelta(x, { nSteps: 500 });
  assertAllClose(attributions, [1.5, -0.5], { atol: 5e-3 });
  assertAllClose(delta, [0], { atol: 5e-3 });
  const local = await new IntegratedGradients(basicModel2, { multiplyByInputs: false })
    .attribute(x, { nSteps: 500 });
  assertAllClose(local, [0.5, -0.5], { atol: 5e-3 });
  tf.dispose([x, attributions, delta, local]);
});

Deno.test("`IntegratedGradients.attribute()` uses every approximation method's alphas and weights", async () => {
  // F = Σ x², ∇F = 2x, so IG_i = x_i² · Σₖ 2 wₖ αₖ exactly.
  const x = tf.tensor2d([[1, -2], [0.5, 3]]);
  for (const method of APPROXIMATION_METHODS) {
    const { alphas, weights } = approximationParameters("test", method, 7);
    const factor = alphas.reduce((s, a, k) => s + 2 * a * weights[k], 0);
    const attr = await new IntegratedGradients(square).attribute(x, { nSteps: 7, method });
    assertAllClose(attr, [1 * factor, 4 * factor, 0.25 * factor, 9 * factor], {
      rtol: 1e-5,
      message: method,
    });
    attr.dispose();
  }
  x.dispose();
});

Deno.test("`IntegratedGradients.attribute()` satisfies completeness on the tutorial CNN", async () => {
  // Σ attributions = F(x) − F(x′) within 1e-3 relative: with the defaults (50 Gauss–Legendre
  // steps) for the fixture's IG image; the second image's path crosses more ReLU kinks (50 steps
  // leave a 6e-3 relative gap there, measured), so it needs more steps.
  const { model, inputs, targets } = loadCaptumFixture();
  const ig = new IntegratedGradients(model);
  for (const [i, nSteps] of [[0, 50], [1, 300]]) {
    const { attributions, delta } = await ig.attributeWithDelta(inputs.slice(i, 1), {
      target: targets[i],
      nSteps,
    });
    const total = attributions.sum().arraySync() as number;
    const d = delta.arraySync()[0];
    const change = total - d; // F(x) − F(0)
    assert.ok(
      Math.abs(d) <= 1e-3 * Math.abs(change),
      `example ${i}, ${nSteps} steps: delta ${d} vs F(x) − F(x′) = ${change}`,
    );
    tf.dispose([attributions, delta]);
  }
});

Deno.test("`IntegratedGradients.attribute()` is zero when the inputs equal the baselines", async () => {
  const x = tf.tensor2d([[1, -2, 3]]);
  const attr = await new IntegratedGradients(square).attribute(x, { baselines: x });
  assertAllClose(attr, [0, 0, 0], { atol: 0 });
  tf.dispose([x, attr]);
});

Deno.test("`IntegratedGradients.attribute()` does not depend on internalBatchSize", async () => {
  const { model, inputs, targets } = loadCaptumFixture();
  const ig = new IntegratedGradients(model);
  const whole = await ig.attribute(inputs, { target: targets, nSteps: 8 });
  for (const internalBatchSize of [1, 3, 5, 100]) {
    const chunked = await ig.attribute(inputs, { target: targets, nSteps: 8, internalBatchSize });
    assertAllClose(chunked, whole, { rtol: 1e-4, atol: 1e-6, message: `ibs ${internalBatchSize}` });
    chunked.dispose();
  }
  whole.dispose();
});

Deno.test("`IntegratedGradients.attribute()` accepts scalar, full and batch-1 baselines", async () => {
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const ig = new IntegratedGradients(square);
  // F = Σ x² along a straight line from b: IG_i = x_i² − b_i² (exact with gausslegendre).
  const scalar = await ig.attribute(x, { baselines: 1 });
  assertAllClose(scalar, [0, 3, 8, 15], { rtol: 1e-5 });
  const row = tf.tensor2d([[1, 2]]);
  const broadcast = await ig.attribute(x, { baselines: row });
  assertAllClose(broadcast, [0, 0, 8, 12], { rtol: 1e-5 });
  const full = tf.tensor2d([[0, 0], [3, 0]]);
  const fullAttr = await ig.attribute(x, { baselines: full });
  assertAllClose(fullAttr, [1, 4, 0, 16], { rtol: 1e-5 });
  tf.dispose([x, scalar, row, broadcast, full, fullAttr]);
});

Deno.test("`IntegratedGradients.attribute()` leaks no tensors", async () => {
  const { model, inputs, targets } = loadCaptumFixture();
  const ig = new IntegratedGradients(model);
  await ig.attribute(inputs, { target: targets, nSteps: 2 }).then((t) => t.dispose());
  await assertNoLeak(() => ig.attribute(inputs, { target: targets, nSteps: 4 }));
  await assertNoLeak(() =>
    ig.attributeWithDelta(inputs, { target: targets, nSteps: 4, internalBatchSize: 3 })
  );
  await assertNoLeak(async () => {
    await assert.rejects(ig.attribute(inputs, { target: 10 }), RangeError);
  });
});

Deno.test("`IntegratedGradients.attribute()` rejects bad input with a pinned message", async () => {
  const { model, inputs } = loadCaptumFixture();
  const ig = new IntegratedGradients(model);
  await assert.rejects(ig.attribute(inputs, { target: 1, nSteps: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute IntegratedGradients attributions: nSteps must be a positive integer, received 0. Pass nSteps >= 1.",
  });
  await assert.rejects(ig.attribute(tf.zeros([2, 28, 28]), { target: 1 }), {
    name: "TypeError",
    message:
      /^Cannot compute IntegratedGradients attributions: inputs must be a batch of the model's input shape \[N, 28, 28, 1\], received a float32 tensor of shape \[2, 28, 28\]\. Reshape/,
  });
  await assert.rejects(ig.attribute(inputs.toInt(), { target: 1 }), {
    name: "TypeError",
    message:
      /inputs must be a float32 tensor .*received a int32 tensor of shape \[2, 28, 28, 1\]\. Convert it with inputs\.toFloat\(\)/,
  });
  await assert.rejects(ig.attribute(inputs, { target: 10 }), {
    name: "RangeError",
    message:
      /target must be a class index below the model's 10 outputs, received 10\. Pass an index in \[0, 9\]\./,
  });
  await assert.rejects(ig.attribute(inputs, { target: [1, 2, 3] }), {
    name: "RangeError",
    message:
      /target must be an array of one class index per example \(length 2\), received "an array of length 3"\. Pass 2 indices/,
  });
  await assert.rejects(ig.attribute(inputs, { target: 1, baselines: tf.zeros([3, 28, 28, 1]) }), {
    name: "TypeError",
    message:
      /baselines must be a number, a tensor of the inputs' shape \[2, 28, 28, 1\], or one with batch size 1 \[1, 28, 28, 1\], received a float32 tensor of shape \[3, 28, 28, 1\]\./,
  });
  await assert.rejects(ig.attribute(inputs, { target: 1, method: "simpson" as never }), {
    name: "RangeError",
    message: /method must be one of "gausslegendre", .*, received "simpson"\./,
  });
  const flatOutput = new IntegratedGradients((x: tf.Tensor) => x.sum());
  await assert.rejects(flatOutput.attribute(tf.ones([2, 3]), { target: 0 }), {
    name: "TypeError",
    message:
      /model output must be 2-D \[N, numClasses\] to select a class index with target, received a float32 tensor of shape \[\]\. Make the model return \[N, numClasses\]/,
  });
});
