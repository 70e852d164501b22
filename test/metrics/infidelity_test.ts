import assert from "node:assert/strict";
import { infidelity, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = tf.tensor1d([1, -2, 3]);
const linear = (x: tf.Tensor) => x.mul(w).sum(1);
/** Seeded Gaussian perturbations I, perturbed inputs x − I. */
const gaussian = (xs: tf.Tensor, { seed }: { seed: number }): [tf.Tensor, tf.Tensor] =>
  tf.tidy(() => {
    const noise = tf.randomNormal(xs.shape, 0, 0.5, "float32", seed);
    return [noise, xs.sub(noise)];
  });
/** Deterministic perturbation I = 1 everywhere. */
const ones = (xs: tf.Tensor): [tf.Tensor, tf.Tensor] => tf.tidy(() => [tf.onesLike(xs), xs.sub(1)]);

Deno.test("`infidelity()` is 0 for the exact local attribution of a linear model", async () => {
  const x = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
  const attr = tf.tensor2d([[1, -2, 3], [1, -2, 3]]);
  assertAllClose(await infidelity(linear, gaussian, x, attr), [0, 0], { atol: 1e-8 });
});

Deno.test("`infidelity()` equals (Σ attr·I − ΔF)² for a fixed perturbation", async () => {
  const x = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
  const attr = tf.tensor2d([[2, -4, 6], [0, 0, 0]]);
  // ΔF = Σw = 2 for I = 1; Σ attr·I = 4 and 0 → (4 − 2)² = 4 and (0 − 2)² = 4.
  assertAllClose(await infidelity(linear, ones, x, attr, { nPerturbSamples: 3 }), [4, 4]);
  // normalize rescales attr by β = Σab/Σa²: the first becomes exact; the second has a = 0.
  assertAllClose(await infidelity(linear, ones, x, attr, { normalize: true }), [0, 4]);
});

Deno.test("`infidelity()` selects targets and does not depend on maxExamplesPerBatch", async () => {
  const model = (t: tf.Tensor) => tf.stack([linear(t), linear(t).square()], 1);
  const x = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
  const attr = tf.tensor2d([[1, -2, 3], [1, 1, 1]]);
  const a = await infidelity(model, ones, x, attr, { target: [0, 1], nPerturbSamples: 5 });
  const b = await infidelity(model, ones, x, attr, {
    target: [0, 1],
    nPerturbSamples: 5,
    maxExamplesPerBatch: 4,
  });
  assertAllClose(a, b);
  // Example 1: F = (w·x)² = 14² = 196, perturbed (14 − 2)² = 144 → ΔF = 52; Σ attr·I = 3.
  assertAllClose(a, [0, (3 - 52) ** 2], { rtol: 1e-5 });
  const s1 = await infidelity(model, gaussian, x, attr, { target: 1, seed: 3 });
  const s2 = await infidelity(model, gaussian, x, attr, { target: 1, seed: 3 });
  assertAllClose(s1, s2);
});

Deno.test("`infidelity()` leaks nothing, even when it throws, and pins its errors", async () => {
  const x = tf.tensor2d([[1, 2, 3]]);
  const attr = tf.tensor2d([[1, 1, 1]]);
  await assertNoLeak(() => infidelity(linear, gaussian, x, attr));
  const before = tf.memory().numTensors;
  await assert.rejects(
    infidelity(linear, (xs) => [tf.onesLike(xs), tf.ones([1])], x, attr),
    { name: "TypeError", message: /^Cannot compute infidelity: perturbFn's result must be/ },
  );
  await assert.rejects(
    infidelity(
      linear,
      () => {
        throw new Error("boom");
      },
      x,
      attr,
    ),
    /boom/,
  );
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(infidelity(linear, ones, x, tf.ones([1, 2])), {
    name: "TypeError",
    message:
      "Cannot compute infidelity: attributions must be a tensor of the inputs' shape [1, 3], received a float32 tensor of shape [1, 2]. Pass the attributions computed for these inputs.",
  });
  await assert.rejects(infidelity(linear, ones, x, attr, { nPerturbSamples: 0 }), RangeError);
});
