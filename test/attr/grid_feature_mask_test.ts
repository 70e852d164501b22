import assert from "node:assert/strict";
import { FeatureAblation, gridFeatureMask, KernelShap, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

Deno.test("`gridFeatureMask()` numbers blocks row by row and cuts edge blocks short", () => {
  const mask = gridFeatureMask([1, 5, 5, 1], 2);
  assert.equal(mask.dtype, "int32");
  assert.deepEqual(mask.shape, [1, 5, 5, 1]);
  assert.deepEqual(tf.tidy(() => mask.squeeze().arraySync()), [
    [0, 0, 1, 1, 2],
    [0, 0, 1, 1, 2],
    [3, 3, 4, 4, 5],
    [3, 3, 4, 4, 5],
    [6, 6, 7, 7, 8],
  ]);
  mask.dispose();
});

Deno.test("`gridFeatureMask()` takes rectangular cells; channels share a block id", () => {
  const mask = gridFeatureMask([2, 3, 2], [2, 1]); // [h, w, c], cells 2 high, 1 wide
  assert.deepEqual(mask.shape, [1, 2, 3, 2]);
  assert.deepEqual(mask.arraySync(), [[
    [[0, 0], [1, 1], [2, 2]],
    [[0, 0], [1, 1], [2, 2]],
  ]]);
  // [h, w] means one channel; the batch size of an NHWC shape is ignored.
  const flatMask = gridFeatureMask([2, 2], 4);
  assert.deepEqual(flatMask.arraySync(), [[[[0], [0]], [[0], [0]]]]);
  const nhwc = gridFeatureMask([7, 2, 2, 1], 1);
  assert.deepEqual(nhwc.shape, [1, 2, 2, 1]);
  assert.deepEqual(nhwc.dataSync(), new Int32Array([0, 1, 2, 3]));
  tf.dispose([mask, flatMask, nhwc]);
});

Deno.test("`gridFeatureMask()` does not leak tensors beyond the returned mask", async () => {
  await assertNoLeak(() => gridFeatureMask([1, 28, 28, 1], 4));
  const mask = gridFeatureMask([1, 28, 28, 1], 4);
  assert.equal(mask.max().dataSync()[0], 48); // 7 × 7 superpixels
  mask.dispose();
});

Deno.test("`gridFeatureMask()` works as FeatureAblation's featureMask (block sums of w·x)", async () => {
  // Linear model f(x) = Σ w·x on a 3 × 3 image: ablating a block to 0 drops f by the block's
  // Σ w·x, and FeatureAblation gives every pixel of the block that drop.
  const w = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const model = (x: tf.Tensor) => tf.sum(tf.mul(tf.reshape(x, [-1, 9]), w), 1, true);
  const x = tf.ones([1, 3, 3, 1]);
  const mask = gridFeatureMask(x.shape, 2); // blocks {0,1,3,4} {2,5} {6,7} {8}
  const attr = await new FeatureAblation(model).attribute(x, { target: 0, featureMask: mask });
  const b0 = 1 + 2 + 4 + 5;
  const b1 = 3 + 6;
  const b2 = 7 + 8;
  assertAllClose(attr, [b0, b0, b1, b0, b0, b1, b2, b2, 9]);
  // Kernel SHAP (4 features, 200 samples) recovers the same effects of a linear model.
  const shap = await new KernelShap(model).attribute(x, {
    target: 0,
    featureMask: mask,
    baselines: 0,
    nSamples: 200,
    seed: 0,
  });
  assertAllClose(shap, [b0, b0, b1, b0, b0, b1, b2, b2, 9], { atol: 1e-3, rtol: 1e-3 });
  tf.dispose([w, x, mask, attr, shap]);
});

Deno.test("`gridFeatureMask()` rejects bad shapes and cell sizes", () => {
  assert.throws(
    () => gridFeatureMask([1, 28, 28, 1], 0),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot build a grid feature mask: cellSize's cellHeight must be a positive integer, " +
          "received 0. Pass e.g. 4.",
  );
  assert.throws(() => gridFeatureMask([1, 28, 28, 1], [4, 2.5]), /cellWidth must be a positive/);
  assert.throws(
    () => gridFeatureMask([1, 28, 28, 1], [4] as unknown as [number, number]),
    TypeError,
  );
  assert.throws(() => gridFeatureMask([28], 4), /shape must be \[batch, height, width/);
  assert.throws(() => gridFeatureMask([1, 0, 28, 1], 4), TypeError);
  assert.throws(() => gridFeatureMask([1, 1, 28, 28, 1], 4), TypeError);
});
