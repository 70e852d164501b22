import assert from "node:assert/strict";
import {
  loadCheckpoint,
  loadFashionMnist,
  PRETRAINED_CLASSIFIER_DIR,
  randomLogit,
  tf,
  toTensors,
} from "../../lib/mod.ts";
import { edgeDetector, saliency } from "./_explainers.ts";
import { assertNoLeak } from "../_helpers/tensor_asserts.ts";

const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const { xs, ys } = toTensors(await loadFashionMnist({ split: "test", limit: 8 }));
ys.dispose();
const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;

Deno.test("`randomLogit()` explains another class drawn per example, seeded", async () => {
  const result = await randomLogit(model, saliency, xs, { target: 3 });
  assert.deepEqual(result.target, new Array(8).fill(3));
  assert.ok(result.randomTarget.every((t) => t !== 3 && t >= 0 && t < 10));
  const again = await randomLogit(model, saliency, xs, { target: 3 });
  assert.deepEqual(again, result);
  // Saliency depends on the class; the edge detector does not.
  assert.ok(mean(result.similarity.ssim) < 0.5, `Saliency SSIM ${mean(result.similarity.ssim)}`);
  const edges = await randomLogit(model, edgeDetector, xs);
  assert.ok(mean(edges.similarity.spearman) > 0.999);
  assert.ok(mean(edges.similarity.ssim) > 0.999);
});

Deno.test("`randomLogit()` on a linear model: classes with proportional weights look alike", async () => {
  // Class 1's weights are 2 × class 0's; class 2's reverse them. Saliency is |w_class|.
  const linear = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 2, useBias: false })],
  });
  linear.setWeights([tf.tensor2d([[1, 2], [2, 4], [3, 6], [4, 8]])]);
  const x = tf.ones([1, 4]);
  const result = await randomLogit(linear, saliency, x, { target: 0 });
  assert.deepEqual(result.randomTarget, [1]);
  assert.equal(result.similarity.spearman[0], 1);
  x.dispose();
  linear.dispose();
});

Deno.test("`randomLogit()` leaks nothing and pins its errors", async () => {
  const two = xs.slice(0, 2);
  await assertNoLeak(() => randomLogit(model, saliency, two));
  two.dispose();
  await assert.rejects(randomLogit(model, saliency, xs, { target: [1, 2] }), {
    name: "RangeError",
    message:
      /^Cannot compute randomLogit: target must be an array of one class index per example \(length 8\)/,
  });
  await assert.rejects(
    // @ts-expect-error a function target cannot be handed to the explainer
    randomLogit(model, saliency, xs, { target: (y: tf.Tensor) => y.sum(1) }),
    { name: "TypeError", message: /target must be a class index or one class index per example/ },
  );
});
