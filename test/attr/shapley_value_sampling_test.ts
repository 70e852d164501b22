import assert from "node:assert/strict";
import { ShapleyValueSampling, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = tf.tensor1d([1, -2, 3, 0.5]);
const linear = (x: tf.Tensor) => x.mul(w).sum(1);
const nonlinear = (x: tf.Tensor) =>
  tf.tidy(() =>
    tf.relu(x.slice([0, 0], [-1, 2]).sum(1).sub(1)).mul(x.slice([0, 2], [-1, 1]).reshape([-1]))
  );

Deno.test("`ShapleyValueSampling.attribute()` is exactly w ⊙ (x − x′) on a linear model", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4], [-1, 0, 2, 8]]);
  const baselines = tf.tensor2d([[0.5, 1, -1, 2]]);
  const attr = await new ShapleyValueSampling(linear).attribute(x, { baselines, nSamples: 3 });
  assertAllClose(attr, x.sub(baselines).mul(w), { atol: 1e-5 });
});

Deno.test("`ShapleyValueSampling.attribute()` sums to F(x) − F(x′) and is 0 at the baseline", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4], [2, 0.5, -1, 1]]);
  const svs = new ShapleyValueSampling(nonlinear);
  const attr = await svs.attribute(x, { nSamples: 7, seed: 1 });
  assertAllClose(attr.sum(1), nonlinear(x).sub(nonlinear(tf.zerosLike(x))), { atol: 1e-5 });
  assertAllClose(await svs.attribute(x, { baselines: x }), tf.zerosLike(x));
});

Deno.test("`ShapleyValueSampling.attribute()` converges to the exact Shapley values of a 3-feature game", async () => {
  // f = relu(x0 + x1 − 1) · x2 with x = (1, 2, 3): all 6 orders of 3 features are sampled often.
  const x = tf.tensor2d([[1, 2, 3]]);
  const model = (t: tf.Tensor) =>
    tf.relu(t.slice([0, 0], [-1, 2]).sum(1).sub(1)).mul(t.slice([0, 2], [-1, 1]).reshape([-1]));
  // By hand over the 6 orders: v({1,2}) = 3, v(all) = 6, every other coalition 0.
  const exact = tf.tensor2d([[1, 2.5, 2.5]]);
  const attr = await new ShapleyValueSampling(model).attribute(x, { nSamples: 2000 });
  assertAllClose(attr, exact, { atol: 0.15 });
});

Deno.test("`ShapleyValueSampling.attribute()` groups by mask and is independent of perturbationsPerEval", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const svs = new ShapleyValueSampling(nonlinear);
  const featureMask = tf.tensor2d([[0, 0, 1, 2]], undefined, "int32");
  const a = await svs.attribute(x, { featureMask, seed: 4, perturbationsPerEval: 1 });
  const b = await svs.attribute(x, { featureMask, seed: 4 });
  assertAllClose(a, b);
  const v = a.dataSync();
  assert.equal(v[0], v[1]);
  assert.equal(v[3], 0); // feature 3 does not enter the model
});

Deno.test("`ShapleyValueSampling.attribute()` leaks nothing and rejects nSamples < 1", async () => {
  const svs = new ShapleyValueSampling(linear);
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  await assertNoLeak(() => svs.attribute(x));
  await assert.rejects(svs.attribute(tf.tensor2d([[1, 2, 3, 4]]), { nSamples: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute ShapleyValueSampling attributions: nSamples must be a positive integer, received 0. Pass nSamples >= 1.",
  });
});
