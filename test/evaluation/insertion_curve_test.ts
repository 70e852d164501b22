import assert from "node:assert/strict";
import { insertionCurve, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = tf.tensor1d([4, -1, 2, 1]);
const linear = (x: tf.Tensor) => x.mul(w).sum(1);
const x = tf.tensor2d([[1, 2, 3, 4]]);
const attr = tf.tensor2d([[4, -2, 6, 4]]); // gradient × input

Deno.test("`insertionCurve()` on a linear model restores the most relevant features first", async () => {
  // From 0: insert x₂ (6), x₀ (4), x₃ (4), x₁ (−2) → 0, 6, 10, 14, 12.
  const morf = await insertionCurve(linear, x, attr, { nSteps: 4 });
  assertAllClose(morf.scores[0], [0, 6, 10, 14, 12], { rtol: 1e-6 });
  // AUC by trapezoids: 0.25·(3 + 8 + 12 + 13) = 9
  assertAllClose(morf.auc, [9], { rtol: 1e-6 });
  const lerf = await insertionCurve(linear, x, attr, { nSteps: 4, order: "lerf" });
  assertAllClose(lerf.scores[0], [0, -2, 2, 6, 12], { rtol: 1e-6 });
});

Deno.test("`insertionCurve()` with blur starts from the blurred image", async () => {
  // f = the top-left pixel; a bright pixel blurred spreads out, so the start score is below 1.
  const model = (t: tf.Tensor) => t.slice([0, 0, 0, 0], [-1, 1, 1, 1]).reshape([-1]);
  const img = tf.tensor4d([1, 0, 0, 0, 0, 0, 0, 0, 0], [1, 3, 3, 1]);
  const curve = await insertionCurve(model, img, img, { replacement: "blur", blurSigma: 1 });
  assert.ok(curve.scores[0][0] > 0 && curve.scores[0][0] < 0.5, `${curve.scores[0][0]}`);
  assert.equal(curve.scores[0][1], 1); // the most relevant pixel is back after one step
  assert.equal(curve.fractions.length, 10); // at most one step per feature
  img.dispose();
});

Deno.test("`insertionCurve()` leaks nothing and pins its errors", async () => {
  await assertNoLeak(() => insertionCurve(linear, x, attr));
  await assert.rejects(insertionCurve(linear, x, attr, { replacement: Number.NaN }), {
    name: "RangeError",
    message:
      /^Cannot compute insertionCurve: replacement must be a finite number or "blur", received null/,
  });
  await assert.rejects(insertionCurve(linear, x, attr, { batchSize: 0 }), {
    name: "RangeError",
    message: /batchSize must be an integer >= 1, received 0/,
  });
});
