import assert from "node:assert/strict";
import { GradientShap, IntegratedGradients, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const quadratic = (x: tf.Tensor) => x.square().sum(1, true);

Deno.test("`GradientShap.attribute()` gives w ⊙ (x − E[b]) on a linear model", async () => {
  const model = (x: tf.Tensor) => x.mul(tf.tensor2d([[2, -1, 0.5]])).sum(1, true);
  const x = tf.tensor2d([[1, 2, 3], [-1, 0, 4]]);
  const zeros = tf.zeros([4, 3]);
  const attr = await new GradientShap(model).attribute(x, { baselines: zeros });
  assertAllClose(attr, [2, -2, 1.5, -2, 0, 2], { atol: 1e-6 });
  tf.dispose([x, zeros, attr]);
});

Deno.test("`GradientShap.attribute()` approaches IntegratedGradients over many samples", async () => {
  // One baseline row and stdevs 0: E_α[∇F(b + α(x − b))] ⊙ (x − b) is exactly IG's integral.
  const model = (x: tf.Tensor) => tf.sigmoid(x.matMul(tf.tensor2d([[1.5], [-2], [0.7]])));
  const x = tf.tensor2d([[1, 0.5, -2]]);
  const b = tf.zeros([1, 3]);
  const ig = await new IntegratedGradients(model).attribute(x, { target: 0 });
  const gs = await new GradientShap(model).attribute(x, {
    baselines: b,
    target: 0,
    nSamples: 4000,
    seed: 3,
  });
  assertAllClose(gs, ig, { atol: 0.01 });
  tf.dispose([x, b, ig, gs]);
});

Deno.test("`GradientShap.attribute()` is reproducible and independent of internalBatchSize", async () => {
  const x = tf.tensor2d([[1, 2], [3, -1]]);
  const rows = tf.tensor2d([[0, 0], [1, 1], [-1, 0.5]]);
  const gs = new GradientShap(quadratic);
  const options = { baselines: rows, nSamples: 7, stdevs: 0.3, seed: 11 };
  const a = await gs.attribute(x, options);
  const again = await gs.attribute(x, options);
  assertAllClose(again, a, { atol: 0 });
  const chunked = await gs.attribute(x, { ...options, internalBatchSize: 3 });
  assertAllClose(chunked, a, { atol: 1e-6 });
  const other = await gs.attribute(x, { ...options, seed: 12 });
  assert.ok((other.sub(a).abs().max().arraySync() as number) > 1e-3, "the seed changes draws");
  const { attributions, delta } = await gs.attributeWithDelta(x, options);
  assertAllClose(attributions, a, { atol: 1e-6 });
  assert.deepEqual(delta.shape, [14]); // one per (example, sample), as Captum
  await assertNoLeak(() => gs.attributeWithDelta(x, options));
  tf.dispose([x, rows, a, again, chunked, other, attributions, delta]);
});

Deno.test("`GradientShap.attribute()` rejects bad options with pinned messages", async () => {
  const x = tf.tensor2d([[1, 2]]);
  const gs = new GradientShap(quadratic);
  await assert.rejects(gs.attribute(x, {} as never), {
    name: "TypeError",
    message:
      "Cannot compute GradientShap attributions: baselines must be a tensor of baseline rows [B, 2] (B >= 1), received undefined. Pass a batch of reference inputs, e.g. tf.zeros([1, ...]) or a few training images.",
  });
  const b = tf.zeros([1, 2]);
  await assert.rejects(gs.attribute(x, { baselines: b, nSamples: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute GradientShap attributions: nSamples must be a positive integer, received 0. Pass nSamples >= 1.",
  });
  await assert.rejects(gs.attribute(x, { baselines: b, stdevs: -1 }), {
    name: "RangeError",
    message: /stdevs must be a finite number >= 0, received -1\./,
  });
  tf.dispose([x, b]);
});
