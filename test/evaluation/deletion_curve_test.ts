import assert from "node:assert/strict";
import { deletionCurve, InputXGradient, IntegratedGradients, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = tf.tensor1d([4, -1, 2, 1]);
const linear = (x: tf.Tensor) => x.mul(w).sum(1);
const x = tf.tensor2d([[1, 2, 3, 4]]);

Deno.test("`deletionCurve()` on a linear model: IG = gradient × input, and the curve is analytic", async () => {
  const ig = await new IntegratedGradients(linear).attribute(x, { nSteps: 8 });
  const ixg = await new InputXGradient(linear).attribute(x);
  assertAllClose(ig, [[4, -2, 6, 4]], { rtol: 1e-6 });
  assertAllClose(ig, ixg, { rtol: 1e-6 });
  // f(x) = 12; most relevant first removes x₂ (6), x₀ (4, the tie goes to the lower index), x₃
  // (4), x₁ (−2): f = 12 − Σ removed attributions = 12, 6, 2, −2, 0.
  const morf = await deletionCurve(linear, x, ig, { nSteps: 4 });
  assert.deepEqual(morf.fractions, [0, 0.25, 0.5, 0.75, 1]);
  assertAllClose(morf.scores[0], [12, 6, 2, -2, 0], { rtol: 1e-6 });
  // AUC by trapezoids: 0.25·(9 + 4 + 0 − 1) = 3; AOPC: mean of 12 − f = (0+6+10+14+12)/5 = 8.4
  assertAllClose(morf.auc, [3], { rtol: 1e-6 });
  assertAllClose(morf.aopc, [8.4], { rtol: 1e-6 });
  // Least relevant first: x₁, x₀, x₃, x₂ → 12, 14, 10, 6, 0.
  const lerf = await deletionCurve(linear, x, ig, { nSteps: 4, order: "lerf" });
  assertAllClose(lerf.scores[0], [12, 14, 10, 6, 0], { rtol: 1e-6 });
  // A replacement value r: removing x_i adds w_i·(r − x_i).
  const ones = await deletionCurve(linear, x, ig, { nSteps: 2, replacement: 1 });
  // 2 features per step: x₂, x₀ → 12 + 2·(1−3) + 4·(1−1) = 8; then x₃, x₁ → f(1,1,1,1) = 6
  assertAllClose(ones.scores[0], [12, 8, 6], { rtol: 1e-6 });
  tf.dispose([ig, ixg]);
});

Deno.test("`deletionCurve()` removes patches of NHWC images and can blur, batching aside", async () => {
  // f = mean brightness of a 4 × 4 image; attributions favour the top-left 2 × 2 patch.
  const model = (t: tf.Tensor) => t.mean([1, 2, 3]);
  const img = tf.ones([2, 4, 4, 1]);
  const attr = tf.tensor4d(
    Array.from({ length: 32 }, (_, i) => ((i % 16) % 4 < 2 && (i % 16) < 8 ? 1 : 0)),
    [2, 4, 4, 1],
  );
  const patches = await deletionCurve(model, img, attr, { patchSize: 2, nSteps: 4 });
  assertAllClose(patches.scores[0], [1, 0.75, 0.5, 0.25, 0]);
  const small = await deletionCurve(model, img, attr, { patchSize: 2, nSteps: 4, batchSize: 3 });
  assert.deepEqual(small.scores, patches.scores);
  // Blurring a constant image changes nothing: the curve stays at 1.
  const blur = await deletionCurve(model, img, attr, { replacement: "blur", nSteps: 4 });
  assertAllClose(blur.scores[1], [1, 1, 1, 1, 1], { rtol: 1e-6 });
  // softmax: probabilities of a two-class output
  const twoClass = (t: tf.Tensor) => tf.stack([t.mean([1, 2, 3]), tf.zeros([t.shape[0]])], 1);
  const p = await deletionCurve(twoClass, img, attr, { target: 0, softmax: true, nSteps: 1 });
  assertAllClose(p.scores[0], [1 / (1 + Math.exp(-1)), 0.5], { rtol: 1e-6 });
  tf.dispose([img, attr]);
});

Deno.test("`deletionCurve()` leaks nothing and pins its errors", async () => {
  const attr = tf.tensor2d([[1, 2, 3, 4]]);
  await assertNoLeak(() => deletionCurve(linear, x, attr));
  await assert.rejects(deletionCurve(linear, x, tf.ones([1, 3])), {
    name: "TypeError",
    message:
      /^Cannot compute deletionCurve: attributions must be a tensor of the inputs' shape \[1, 4\], received a float32 tensor of shape \[1, 3\]\. Pass/,
  });
  await assert.rejects(
    // @ts-expect-error unknown order
    deletionCurve(linear, x, attr, { order: "random" }),
    { name: "RangeError", message: /order must be "morf" \(most relevant first\) or "lerf"/ },
  );
  await assert.rejects(deletionCurve(linear, x, attr, { patchSize: 2 }), {
    name: "RangeError",
    message: /patchSize must be 1 for inputs that are not NHWC images/,
  });
  await assert.rejects(deletionCurve(linear, x, attr, { replacement: "blur" }), {
    name: "RangeError",
    message: /replacement must be a number for inputs that are not NHWC images/,
  });
  await assert.rejects(deletionCurve(linear, x, attr, { nSteps: 0 }), {
    name: "RangeError",
    message: /nSteps must be an integer >= 1, received 0/,
  });
  await assert.rejects(deletionCurve(linear, x.toInt(), attr), {
    name: "TypeError",
    message: /^Cannot compute deletionCurve: inputs must be a live float32 tensor/,
  });
  attr.dispose();
});
