import assert from "node:assert/strict";
import { FeatureAblation, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/** Captum's MultiLayer model: s = Σx; out0 = relu(s − 10) + 3·relu(s + 1) − 1, out1 the same + 1. */
const multiLayer = (x: tf.Tensor) =>
  tf.tidy(() => {
    const s = x.sum(1, true);
    const core = tf.relu(s.sub(10)).add(tf.relu(s.add(1)).mul(3));
    return tf.concat([core.sub(1), core.add(1)], 1);
  });
const ids = (values: number[][]) => tf.tensor2d(values, undefined, "int32");

Deno.test("`FeatureAblation.attribute()` matches Captum's MultiLayer case", async () => {
  const x = tf.tensor2d([[20, 50, 30]]);
  const ablation = new FeatureAblation(multiLayer);
  assertAllClose(await ablation.attribute(x, { target: 0 }), [[80, 200, 120]]);
  assertAllClose(
    await ablation.attribute(x, { target: 0, featureMask: ids([[0, 0, 1]]) }),
    [[280, 280, 120]],
  );
});

Deno.test("`FeatureAblation.attribute()` takes one mask per example and tensor baselines", async () => {
  const linear = (x: tf.Tensor) => x.mul(tf.tensor1d([1, 2, 3])).sum(1);
  const x = tf.tensor2d([[1, 1, 1], [2, 2, 2]]);
  const attr = await new FeatureAblation(linear).attribute(x, {
    featureMask: ids([[0, 0, 1], [0, 1, 1]]),
    baselines: tf.tensor2d([[1, 0, 0]]),
  });
  // Example 0: group {0,1} drops 0·1 + 1·2 = 2, group {2} drops 3. Example 1: {0} drops 1·1,
  // {1,2} drops 2·2 + 2·3 = 10.
  assertAllClose(attr, [[2, 2, 3], [1, 10, 10]]);
});

Deno.test("`FeatureAblation.attribute()` is zero when the inputs equal the baselines", async () => {
  const x = tf.tensor2d([[3, -1, 2]]);
  assertAllClose(await new FeatureAblation(multiLayer).attribute(x, { target: 1, baselines: x }), [
    [0, 0, 0],
  ]);
});

Deno.test("`FeatureAblation.attribute()` does not depend on perturbationsPerEval", async () => {
  const x = tf.tensor2d([[20, 50, 30], [-3, 4, 1]]);
  const ablation = new FeatureAblation(multiLayer);
  const a = await ablation.attribute(x, { target: [0, 1], perturbationsPerEval: 1 });
  const b = await ablation.attribute(x, { target: [0, 1], perturbationsPerEval: 2 });
  const c = await ablation.attribute(x, { target: [0, 1] });
  assertAllClose(a, b);
  assertAllClose(a, c);
});

Deno.test("`FeatureAblation.attribute()` leaks no tensors, even when it throws", async () => {
  const ablation = new FeatureAblation(multiLayer);
  const x = tf.tensor2d([[20, 50, 30]]);
  const featureMask = ids([[0, 1, 1]]);
  await assertNoLeak(() => ablation.attribute(x, { target: 0, featureMask }));
  const before = tf.memory().numTensors;
  await assert.rejects(ablation.attribute(x, { target: 2 }), RangeError);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("`FeatureAblation.attribute()` rejects bad feature masks", async () => {
  const ablation = new FeatureAblation(multiLayer);
  const x = tf.tensor2d([[20, 50, 30]]);
  await assert.rejects(ablation.attribute(x, { target: 0, featureMask: ids([[0, 1]]) }), {
    name: "TypeError",
    message:
      /^Cannot compute FeatureAblation attributions: featureMask must be a tensor of integer group ids broadcastable to the inputs' shape \[1, 3\].*received a int32 tensor of shape \[1, 2\]\. Give the mask shape \[1, 3\]/,
  });
  await assert.rejects(
    ablation.attribute(x, { target: 0, featureMask: tf.tensor2d([[0, 0.5, 1]]) }),
    {
      name: "RangeError",
      message: /featureMask must be non-negative integer group ids, received 0.5/,
    },
  );
  await assert.rejects(
    ablation.attribute(x, { target: 0, featureMask: ids([[0, -1, 1]]) }),
    RangeError,
  );
});
