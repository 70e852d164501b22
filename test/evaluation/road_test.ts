import assert from "node:assert/strict";
import { road, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/** f = the centre pixel of a 3 × 3 image. */
const centre = (t: tf.Tensor) => t.slice([0, 1, 1, 0], [-1, 1, 1, 1]).reshape([-1]);

Deno.test("`road()` imputes a removed pixel as the weighted mean of its neighbours", async () => {
  // Direct neighbours 1 (weight 1/6 each), diagonal ones 0 (1/12): the centre becomes 4/6.
  const img = tf.tensor4d([0, 1, 0, 1, 9, 1, 0, 1, 0], [1, 3, 3, 1]);
  const attr = tf.tensor4d([0, 0, 0, 0, 1, 0, 0, 0, 0], [1, 3, 3, 1]);
  const curve = await road(centre, img, attr, { percentages: [0, 0.1], noise: 0 });
  assert.deepEqual(curve.fractions, [0, 0.1]);
  assertAllClose(curve.scores[0], [9, 4 / 6], { rtol: 1e-5 });
  // Two removed pixels (the centre c and its right neighbour r, the two most relevant): a 2 × 2
  // linear system. c = (1 + 1 + 1 + r)/6 (weights sum to 1); r, on the border, has neighbours
  // c, 0, 0 (1/6 each) and 1, 1 (1/12 each), weights summing to 2/3: r = (c/6 + 1/6)/(2/3) =
  // (c + 1)/4. Then c = 1/2 + (c + 1)/24, c = 13/23.
  const two = tf.tensor4d([0, 0, 0, 0, 1, 0.5, 0, 0, 0], [1, 3, 3, 1]);
  const c2 = await road(centre, img, two, { percentages: [0.2], noise: 0 });
  assertAllClose(c2.scores[0], [13 / 23], { rtol: 1e-4 });
  // Noise is seeded.
  const a = await road(centre, img, attr, { percentages: [0.1], noise: 0.1, seed: 1 });
  const b = await road(centre, img, attr, { percentages: [0.1], noise: 0.1, seed: 1 });
  assert.deepEqual(a, b);
  assert.notEqual(a.scores[0][0], 4 / 6);
  tf.dispose([img, attr, two]);
});

Deno.test("`road()` removes the least relevant first with lerf; AUC over the percentages", async () => {
  const model = (t: tf.Tensor) => t.mean([1, 2, 3]);
  const img = tf.tensor4d([[[[1], [0]], [[0], [0]]]]);
  const morf = await road(model, img, img, { percentages: [0.25, 0.5], noise: 0 });
  assertAllClose(morf.scores[0], [0, 0], { atol: 1e-6 });
  const lerf = await road(model, img, img, { percentages: [0.25, 0.5], order: "lerf", noise: 0 });
  // removing one dark pixel: it becomes the weighted mean of its neighbours, 1 of them bright
  assert.ok(lerf.scores[0][0] > 0.25 && lerf.scores[0][1] > 0.25);
  assertAllClose(lerf.auc, [0.25 * (lerf.scores[0][0] + lerf.scores[0][1]) / 2], { rtol: 1e-9 });
  img.dispose();
});

Deno.test("`road()` leaks nothing and pins its errors", async () => {
  const img = tf.ones([1, 3, 3, 1]);
  await assertNoLeak(() => road(centre, img, img));
  const flat = tf.ones([1, 9]);
  await assert.rejects(road((t) => t.sum(1), flat, flat), {
    name: "TypeError",
    message:
      /^Cannot compute road: inputs must be NHWC images \[N, H, W, C\] \(the imputation needs pixel neighbours\), received a float32 tensor of shape \[1, 9\]/,
  });
  await assert.rejects(road(centre, img, img, { percentages: [1] }), {
    name: "RangeError",
    message: /percentages must be a non-empty array of fractions in \[0, 1\), received \[1\]/,
  });
  await assert.rejects(road(centre, img, img, { noise: -1 }), {
    name: "RangeError",
    message: /noise must be a number ≥ 0, received -1/,
  });
  tf.dispose([img, flat]);
});
