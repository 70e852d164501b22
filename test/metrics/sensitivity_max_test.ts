import assert from "node:assert/strict";
import { sensitivityMax, tf } from "../../lib/mod.ts";
import type { ExplanationArgs } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const identity = (x: tf.Tensor) => x.clone();

Deno.test("`sensitivityMax()` of the identity explanation is ‖δ‖ / ‖x‖", async () => {
  const x = tf.tensor2d([[3, 4], [0, 0]]);
  const shift = (xs: tf.Tensor, r: number) => xs.add(r);
  const s = await sensitivityMax(identity, x, { perturbFn: shift, perturbRadius: 0.5 });
  // ‖(0.5, 0.5)‖ = 0.7071; ‖x‖ = 5 (the zero example divides by 1).
  assertAllClose(s, [Math.SQRT1_2 / 5, Math.SQRT1_2], { rtol: 1e-5 });
  const inf = await sensitivityMax(identity, x, { perturbFn: shift, normOrd: "inf" });
  assertAllClose(inf, [0.02 / 4, 0.02], { rtol: 1e-4 });
});

Deno.test("`sensitivityMax()` stays within the L∞ ball, is seeded and batch-independent in bound", async () => {
  const x = tf.tensor2d([[1, 2, 2], [-2, 1, 2]]);
  const a = await sensitivityMax(identity, x, { seed: 1 });
  const b = await sensitivityMax(identity, x, { seed: 1 });
  assertAllClose(a, b);
  for (const v of a.dataSync()) assert.ok(v > 0 && v <= 0.02 * Math.sqrt(3) / 3);
  const constant = await sensitivityMax((t) => tf.onesLike(t), x);
  assertAllClose(constant, [0, 0]);
});

Deno.test("`sensitivityMax()` expands target and baselines for the explanation", async () => {
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const seen: ExplanationArgs[] = [];
  const fn = (t: tf.Tensor, args: ExplanationArgs) => {
    seen.push(args);
    return t.clone();
  };
  await sensitivityMax(fn, x, {
    target: [0, 1],
    baselines: tf.zeros([2, 2]),
    nPerturbSamples: 3,
    maxExamplesPerBatch: 4,
  });
  assert.deepEqual(seen[0].target, [0, 1]);
  assert.deepEqual(seen[1].target, [0, 0, 1, 1]); // 2 perturbations per example per call
  assert.deepEqual(seen[2].target, [0, 1]); // the last call: 1 perturbation
  assert.deepEqual((seen[1].baselines as tf.Tensor).shape, [4, 2]);
});

Deno.test("`sensitivityMax()` leaks nothing and pins its errors", async () => {
  const x = tf.tensor2d([[1, 2, 2]]);
  await assertNoLeak(() => sensitivityMax(identity, x));
  const two = tf.ones([2, 3]);
  const before = tf.memory().numTensors;
  await assert.rejects(sensitivityMax((t) => t.slice([0, 0], [1, -1]), two), {
    name: "TypeError",
    message:
      /^Cannot compute sensitivityMax: explanationFn's result must be a tensor with one row per input \(batch 2\)/,
  });
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(sensitivityMax(identity, x, { nPerturbSamples: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute sensitivityMax: nPerturbSamples must be an integer >= 1, received 0. Pass nPerturbSamples >= 1.",
  });
  await assert.rejects(sensitivityMax(identity, x, { perturbRadius: -1 }), RangeError);
});
