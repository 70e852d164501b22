import assert from "node:assert/strict";
import { DeepLift, DeepLiftShap, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/** f = 2·relu(x1) + 2·relu(x2 − 1.5) (Captum's ReLU test model), one input [N, 2]. */
const reluModel = (x: tf.Tensor) =>
  tf.tidy(() => tf.relu(x.sub(tf.tensor2d([[0, 1.5]]))).mul(2).sum(1, true));

Deno.test("`DeepLiftShap.attribute()` averages DeepLift over the baseline rows", async () => {
  const x = tf.tensor2d([[1, 2], [3, -1]]);
  const rows = tf.tensor2d([[0, 0], [2, 0], [0.5, 3]]);
  const shap = new DeepLiftShap(reluModel);
  const { attributions, delta } = await shap.attributeWithDelta(x, { baselines: rows });
  assert.deepEqual(delta.shape, [6]);
  assertAllClose(delta, [0, 0, 0, 0, 0, 0], { atol: 1e-5 });
  const dl = new DeepLift(reluModel);
  const each: tf.Tensor[] = [];
  for (let r = 0; r < 3; r++) {
    const b = rows.slice(r, 1);
    each.push(await dl.attribute(x, { baselines: b }));
    b.dispose();
  }
  const mean = tf.tidy(() => tf.stack(each).mean(0));
  assertAllClose(attributions, mean, { atol: 1e-6 });
  for (const internalBatchSize of [1, 4]) {
    const chunked = await shap.attribute(x, { baselines: rows, internalBatchSize });
    assertAllClose(chunked, mean, { atol: 1e-6 });
    chunked.dispose();
  }
  await assertNoLeak(() => shap.attributeWithDelta(x, { baselines: rows }));
  await assert.rejects(shap.attribute(x, { baselines: tf.zeros([3, 3]) }), {
    name: "TypeError",
    message:
      "Cannot compute DeepLiftShap attributions: baselines must be a tensor of baseline rows [B, 2] (B >= 1), received a float32 tensor of shape [3, 3]. Pass a batch of reference inputs, e.g. tf.zeros([1, ...]) or a few training images.",
  });
  tf.dispose([x, rows, attributions, delta, mean, ...each]);
});
