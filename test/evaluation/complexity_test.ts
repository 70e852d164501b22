import assert from "node:assert/strict";
import { complexity, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

Deno.test("`complexity()`: 0 for a one-hot map, ln n for a constant one, NaN when all zero", async () => {
  const maps = tf.tensor2d([[0, 0, -7, 0], [3, 3, 3, 3], [0, 0, 0, 0]]);
  const c = await complexity(maps);
  assertAllClose(c.slice(0, 2), [0, Math.log(4)], { rtol: 1e-12 });
  assert.ok(Number.isNaN(c[2]));
  maps.dispose();
});

Deno.test("`complexity()` agrees with Quantus's entropy on a hand-computed case", async () => {
  // p = (0.1, 0.2, 0.3, 0.4): −Σ p ln p = 1.2798542258336676 (scipy.stats.entropy)
  const maps = tf.tensor4d([[[[1], [-2]], [[3], [-4]]]]);
  assertAllClose(await complexity(maps), [1.2798542258336676], { rtol: 1e-6 });
  maps.dispose();
});

Deno.test("`complexity()` leaks nothing and pins its errors", async () => {
  const maps = tf.ones([2, 3]);
  await assertNoLeak(() => complexity(maps));
  await assert.rejects(complexity("map" as unknown as tf.Tensor), {
    name: "TypeError",
    message: /^Cannot compute complexity: attributions must be a batch of attributions/,
  });
  maps.dispose();
});
