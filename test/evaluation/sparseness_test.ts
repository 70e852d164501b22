import assert from "node:assert/strict";
import { sparseness, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

Deno.test("`sparseness()`: a one-hot map of n values gives (n − 1)/n, a constant map 0", async () => {
  for (const n of [2, 4, 784]) {
    const oneHot = tf.oneHot([1], n).toFloat().mul(-3); // sign and scale do not matter
    assertAllClose(await sparseness(oneHot), [(n - 1) / n], { rtol: 1e-12, message: `n=${n}` });
    oneHot.dispose();
  }
  const maps = tf.tensor2d([[2, 2, 2, 2], [0, 0, 0, 0], [-1, 1, -1, 1]]);
  assert.deepEqual(Array.from(await sparseness(maps)), [0, 0, 0]);
  maps.dispose();
});

Deno.test("`sparseness()` agrees with Quantus's Gini index on a hand-computed case", async () => {
  // |a| sorted: 1, 2, 3, 4; Σ(2i − n − 1)·a₍ᵢ₎ = −3 − 2 + 3 + 12 = 10; n·Σa = 40 → 0.25
  // (Quantus adds 1e-7 to every value: 0.2499999…)
  const maps = tf.tensor4d([[[[3], [-1]], [[4], [2]]]]);
  assertAllClose(await sparseness(maps), [0.25], { rtol: 1e-6 });
  maps.dispose();
});

Deno.test("`sparseness()` leaks nothing and pins its errors", async () => {
  const maps = tf.ones([2, 3]);
  await assertNoLeak(() => sparseness(maps));
  await assert.rejects(sparseness(tf.ones([3])), {
    name: "TypeError",
    message:
      /^Cannot compute sparseness: attributions must be a batch of attributions \[N, \.\.\.\] \(a live tensor of rank ≥ 2\), received a float32 tensor of shape \[3\]/,
  });
  maps.dispose();
});
