import assert from "node:assert/strict";
import { FeaturePermutation, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const linear = (x: tf.Tensor) => x.mul(tf.tensor1d([1, 10])).sum(1);

Deno.test("`FeaturePermutation.attribute()` on two examples swaps them (hand case)", async () => {
  const attr = await new FeaturePermutation(linear).attribute(tf.tensor2d([[1, 1], [2, 3]]));
  // F = [11, 32]. Feature 0 swapped: [12, 31]; feature 1 swapped: [31, 12].
  assertAllClose(attr, [[-1, -20], [1, 20]]);
});

Deno.test("`FeaturePermutation.attribute()` permutes a masked group as a whole", async () => {
  const attr = await new FeaturePermutation(linear).attribute(tf.tensor2d([[1, 1], [2, 3]]), {
    featureMask: tf.tensor2d([[0, 0]], undefined, "int32"),
  });
  assertAllClose(attr, [[-21, -21], [21, 21]]);
});

Deno.test("`FeaturePermutation.attribute()` is seeded and independent of perturbationsPerEval", async () => {
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 1, 0]]);
  const model = (t: tf.Tensor) => t.square().sum(1);
  const fp = new FeaturePermutation(model);
  const a = await fp.attribute(x, { seed: 3 });
  const b = await fp.attribute(x, { seed: 3, perturbationsPerEval: 1 });
  assertAllClose(a, b);
  // Each column's attributions sum to Σ F(x) − Σ F(permuted) = 0 for a sum of per-feature terms.
  assertAllClose(a.sum(0), [0, 0, 0], { atol: 1e-4 });
});

Deno.test("`FeaturePermutation.attribute()` leaks nothing and needs two examples", async () => {
  const fp = new FeaturePermutation(linear);
  const x = tf.tensor2d([[1, 1], [2, 3]]);
  await assertNoLeak(() => fp.attribute(x));
  await assert.rejects(fp.attribute(tf.tensor2d([[1, 1]])), {
    name: "RangeError",
    message:
      /^Cannot compute FeaturePermutation attributions: inputs must be a batch of at least 2 examples/,
  });
});
