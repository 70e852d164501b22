import assert from "node:assert/strict";
import { Lime, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = tf.tensor1d([1, -2, 3, 0.5]);
const linear = (x: tf.Tensor) => x.mul(w).sum(1);

Deno.test("`Lime.attribute()` recovers a linear model up to the L1 shrinkage", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const attr = await new Lime(linear).attribute(x, { nSamples: 200 });
  // Lasso(alpha 0.01) on Bernoulli(0.5) features (variance 0.25) shrinks each |coef| by ≈ 0.04.
  assertAllClose(attr, [[1, -4, 9, 2]], { atol: 0.1 });
  const v = attr.dataSync();
  for (const [i, exact] of [1, -4, 9, 2].entries()) assert.ok(Math.abs(v[i]) < Math.abs(exact));
});

Deno.test("`Lime.attribute()` with alpha 0 is least squares (exact on a linear model)", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const attr = await new Lime(linear).attribute(x, { nSamples: 60, alpha: 0 });
  assertAllClose(attr, [[1, -4, 9, 2]], { atol: 1e-3 });
});

Deno.test("`Lime.attribute()` is zero at the baseline, seeded, independent of perturbationsPerEval", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4], [0, 1, -1, 2]]);
  const model = (t: tf.Tensor) => t.square().mul(w).sum(1);
  const lime = new Lime(model);
  assertAllClose(await lime.attribute(x, { baselines: x }), tf.zerosLike(x));
  const a = await lime.attribute(x, { seed: 5 });
  const b = await lime.attribute(x, { seed: 5, perturbationsPerEval: 1 });
  assertAllClose(a, b);
});

Deno.test("`Lime.attribute()` leaks nothing and rejects bad options", async () => {
  const lime = new Lime(linear);
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  await assertNoLeak(() => lime.attribute(x));
  await assert.rejects(lime.attribute(x, { alpha: -1 }), {
    name: "RangeError",
    message: /^Cannot compute Lime attributions: alpha must be a finite number >= 0, received -1/,
  });
  await assert.rejects(lime.attribute(x, { nSamples: 1.5 }), RangeError);
  await assert.rejects(
    lime.attribute(x, { featureMask: tf.zeros([2, 4], "int32") }),
    TypeError,
  );
});
