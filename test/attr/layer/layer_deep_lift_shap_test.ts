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
