import assert from "node:assert/strict";
import { LayerActivation, LayerGradientShap, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel, residualModel } from "./_models.ts";

Deno.test("`LayerGradientShap.attribute()` is exact after the last nonlinearity and seeded", async () => {
  // After linear1 the model is relu + linear; at "relu" it is linear, so every sample gives
  // ∂F/∂A ⊙ (A(x) − A(b)) = A(x) − A(b) for target 0 (ones weights).
  const model = multiLayerModel();
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const lgs = new LayerGradientShap(model, "relu");
  const attr = await lgs.attribute(x, { target: 0, baselines: tf.zeros([1, 3]) });
  const a = await new LayerActivation(model, "relu").attribute(x);
  const a0 = await new LayerActivation(model, "relu").attribute(tf.zeros([2, 3]));
  assertAllClose(attr, a.sub(a0), { atol: 1e-5 });
  const { delta } = await lgs.attributeWithDelta(x, { target: 0, baselines: tf.zeros([4, 3]) });
  assert.deepEqual(delta.shape, [10]);
  assertAllClose(delta, new Array(10).fill(0), { atol: 1e-4 });
  // Same seed, same draws; stdevs adds noise.
  const res = residualModel();
  const xr = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 7);
  const rs = new LayerGradientShap(res, "conv_a");
  const opts = { target: 1, baselines: tf.zeros([2, 5, 5, 2]), stdevs: 0.1, seed: 3 };
  assertAllClose(await rs.attribute(xr, opts), await rs.attribute(xr, opts));
  assertAllClose(
    await rs.attribute(xr, { ...opts, internalBatchSize: 3 }),
    await rs.attribute(xr, opts),
    { rtol: 1e-4, atol: 1e-6 },
  );
  await assertNoLeak(() => rs.attribute(xr, opts));
  await assertNoLeak(() => rs.attributeWithDelta(xr, opts));
});
