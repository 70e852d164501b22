import assert from "node:assert/strict";
import { faithfulnessCorrelation, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = tf.tensor1d([4, -1, 2, 1, 3, -2]);
const linear = (x: tf.Tensor) => x.mul(w).sum(1);
const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [2, 1, 0, 1, 2, 1]]);

Deno.test("`faithfulnessCorrelation()` is 1 for the exact removal effects, −1 for their negation", async () => {
  // Removing S (to 0) drops f by Σ_{i∈S} wᵢxᵢ exactly: the sums and the drops are equal.
  const exact = x.mul(w);
  const r = await faithfulnessCorrelation(linear, x, exact, { subsetSize: 2, nSamples: 30 });
  assertAllClose(r, [1, 1], { rtol: 1e-9 });
  const negated = exact.neg();
  const n = await faithfulnessCorrelation(linear, x, negated, { subsetSize: 3, nSamples: 30 });
  assertAllClose(n, [-1, -1], { rtol: 1e-9 });
  tf.dispose([exact, negated]);
});

Deno.test("`faithfulnessCorrelation()` is 0 for a constant map, seeded, batching aside", async () => {
  const zeros = tf.zerosLike(x);
  assert.deepEqual(
    Array.from(await faithfulnessCorrelation(linear, x, zeros, { subsetSize: 2 })),
    [0, 0],
  );
  const noisy = tf.randomNormal(x.shape, 0, 1, "float32", 1);
  const a = await faithfulnessCorrelation(linear, x, noisy, { subsetSize: 2, seed: 4 });
  const b = await faithfulnessCorrelation(linear, x, noisy, {
    subsetSize: 2,
    seed: 4,
    batchSize: 7,
  });
  assert.deepEqual(a, b);
  const c = await faithfulnessCorrelation(linear, x, noisy, { subsetSize: 2, seed: 5 });
  assert.notDeepEqual(a, c);
  tf.dispose([zeros, noisy]);
});

Deno.test("`faithfulnessCorrelation()` leaks nothing and pins its errors", async () => {
  const attr = x.mul(w);
  await assertNoLeak(() => faithfulnessCorrelation(linear, x, attr, { subsetSize: 2 }));
  await assert.rejects(faithfulnessCorrelation(linear, x, attr), {
    name: "RangeError",
    message:
      /^Cannot compute faithfulnessCorrelation: subsetSize must be an integer in \[1, 5\] \(below the 6 features\), received 224\. Pass e\.g\. subsetSize: 1\./,
  });
  await assert.rejects(faithfulnessCorrelation(linear, x, attr, { subsetSize: 2, nSamples: 1 }), {
    name: "RangeError",
    message: /nSamples must be an integer >= 2, received 1/,
  });
  attr.dispose();
});
