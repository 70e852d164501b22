import assert from "node:assert/strict";
import { KernelShap, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = tf.tensor1d([1, -2, 3, 0.5, 2, -1]);
const linear = (x: tf.Tensor) => x.mul(w).sum(1);
const nonlinear = (x: tf.Tensor) => tf.tidy(() => tf.relu(x.mul(w).sum(1)).square());

Deno.test("`KernelShap.attribute()` converges to w ⊙ (x − x′) on a linear model", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [-1, 0, 2, 8, 1, 1]]);
  const baselines = tf.tensor2d([[0.5, 1, -1, 2, 0, 0]]);
  // 100 coalitions for 6 features: the regression is overdetermined and the fit exact.
  const attr = await new KernelShap(linear).attribute(x, { baselines, nSamples: 100 });
  assertAllClose(attr, x.sub(baselines).mul(w), { atol: 1e-4, rtol: 1e-4 });
});

Deno.test("`KernelShap.attribute()` sums to F(x) − F(x′) and is 0 at the baseline", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
  const ks = new KernelShap(nonlinear);
  const attr = await ks.attribute(x, { nSamples: 40, seed: 2 });
  // The all-ones and all-zeros coalitions weigh 1e6: the fit passes through both ends.
  assertAllClose(attr.sum(1), nonlinear(x).sub(nonlinear(tf.zerosLike(x))), { rtol: 1e-4 });
  assertAllClose(await ks.attribute(x, { baselines: x }), tf.zerosLike(x), { atol: 1e-5 });
});

Deno.test("`KernelShap.attribute()` is seeded and independent of perturbationsPerEval", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [0, 1, 0, 1, 0, 1]]);
  const ks = new KernelShap(nonlinear);
  const a = await ks.attribute(x, { nSamples: 12, seed: 7 });
  const b = await ks.attribute(x, { nSamples: 12, seed: 7, perturbationsPerEval: 1 });
  const c = await ks.attribute(x, { nSamples: 12, seed: 8 });
  assertAllClose(a, b);
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
});

Deno.test("`KernelShap.attribute()` returns one coefficient per mask group", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
  // Ids 3..5 are shifted to 0..2, as Captum does.
  const featureMask = tf.tensor2d([[3, 3, 4, 4, 5, 5]], undefined, "int32");
  const attr = await new KernelShap(linear).attribute(x, { featureMask, nSamples: 30 });
  // Groups of a linear model: (1 − 4), (9 + 2), (10 − 6).
  assertAllClose(attr, [[-3, -3, 11, 11, 4, 4]], { atol: 1e-4, rtol: 1e-4 });
});

Deno.test("`KernelShap.attribute()` leaks nothing and rejects nSamples < 1", async () => {
  const ks = new KernelShap(linear);
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
  await assertNoLeak(() => ks.attribute(x));
  await assert.rejects(ks.attribute(x, { nSamples: 0 }), {
    name: "RangeError",
    message: /^Cannot compute KernelShap attributions: nSamples must be a positive integer/,
  });
  const before = tf.memory().numTensors;
  await assert.rejects(new KernelShap((t) => t).attribute(x, { target: 9 }), RangeError);
  assert.equal(tf.memory().numTensors, before);
});
