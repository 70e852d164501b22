import assert from "node:assert/strict";
import { LayerDeepLift, LayerDeepLiftShap, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { residualModel } from "./_models.ts";

Deno.test("`LayerDeepLiftShap.attribute()` is the mean of LayerDeepLift over baseline rows", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 5);
  const rows = tf.randomNormal([3, 5, 5, 2], 0, 1, "float32", 6);
  const ld = new LayerDeepLift(model, "conv_b");
  const parts = [];
  for (let r = 0; r < 3; r++) {
    parts.push(await ld.attribute(x, { target: [0, 2], baselines: rows.slice([r], [1]) }));
  }
  const expected = tf.stack(parts).mean(0);
  const lds = new LayerDeepLiftShap(model, "conv_b");
  const attr = await lds.attribute(x, { target: [0, 2], baselines: rows });
  assertAllClose(attr, expected, { rtol: 1e-4, atol: 1e-5 });
  const chunked = await lds.attribute(x, { target: [0, 2], baselines: rows, internalBatchSize: 4 });
  assertAllClose(chunked, expected, { rtol: 1e-4, atol: 1e-5 });
  await assertNoLeak(() => lds.attribute(x, { target: 1, baselines: rows }));
});

Deno.test("`LayerDeepLiftShap.attributeWithDelta()` gives one delta per (example, baseline) pair, ≈ 0 on a ReLU network", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 5);
  const rows = tf.randomNormal([3, 5, 5, 2], 0, 1, "float32", 6);
  // "add" is crossed by every path to the output, so its attributions carry the whole change.
  const lds = new LayerDeepLiftShap(model, "add");
  assert.ok(lds instanceof LayerDeepLift);
  const { attributions, delta } = await lds.attributeWithDelta(x, {
    target: [0, 2],
    baselines: rows,
  });
  const plain = await lds.attribute(x, { target: [0, 2], baselines: rows });
  assertAllClose(attributions, plain, { rtol: 1e-5, atol: 1e-6 });
  assert.deepEqual(delta.shape, [6]);
  // Each pair's delta against the change of its own output: F(x_i) − F(b_j).
  const out = model.predict(x) as tf.Tensor;
  const refOut = model.predict(rows) as tf.Tensor;
  const o = out.arraySync() as number[][];
  const r = refOut.arraySync() as number[][];
  const targets = [0, 2];
  (delta.arraySync() as number[]).forEach((d, k) => {
    const [i, j] = [Math.floor(k / 3), k % 3];
    const change = o[i][targets[i]] - r[j][targets[i]];
    assert.ok(Math.abs(d) <= 1e-4 * Math.max(1, Math.abs(change)), `pair ${k}: delta ${d}`);
  });
  await assertNoLeak(() => lds.attributeWithDelta(x, { target: 1, baselines: rows }));
  tf.dispose([x, rows, attributions, delta, plain, out, refOut]);
  model.dispose();
});
