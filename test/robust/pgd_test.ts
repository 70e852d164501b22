import assert from "node:assert/strict";
import { BACKEND_NAMES, crossEntropyLoss, PGD, setBackend, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/** Logits x·W: for label 0 the loss's gradient has sign [−1, −1, 0] everywhere. */
const W = [[1, -1], [2, 0], [0, 0]];
const linear = (x: tf.Tensor) => x.matMul(tf.tensor2d(W));

for (const backend of BACKEND_NAMES) {
  Deno.test(`\`PGD.perturb()\` takes stepNum steps and clamps them to the Linf ball (${backend})`, async () => {
    await setBackend(backend);
    const x = tf.tensor2d([[0.5, 0.5, 0.5]]);
    const pgd = new PGD(linear, { lossFunc: crossEntropyLoss });
    const two = await pgd.perturb(x, { radius: 0.25, stepSize: 0.1, stepNum: 2, target: 0 });
    assertAllClose(two, [[0.3, 0.3, 0.5]]);
    const five = await pgd.perturb(x, { radius: 0.25, stepSize: 0.1, stepNum: 5, target: 0 });
    assertAllClose(five, [[0.25, 0.25, 0.5]]);
    const towards = await pgd.perturb(x, {
      radius: 0.25,
      stepSize: 0.1,
      stepNum: 5,
      target: 0,
      targeted: true,
    });
    assertAllClose(towards, [[0.75, 0.75, 0.5]]);
    const bounded = new PGD(linear, { lossFunc: crossEntropyLoss, lowerBound: 0.4 });
    const clamped = await bounded.perturb(x, {
      radius: 0.25,
      stepSize: 0.1,
      stepNum: 5,
      target: 0,
    });
    assertAllClose(clamped, [[0.4, 0.4, 0.5]]);
    await assertNoLeak(() =>
      pgd.perturb(x, { radius: 0.25, stepSize: 0.1, stepNum: 3, target: 0 })
    );
    tf.dispose([x, two, five, towards, clamped]);
  });

  Deno.test(`\`PGD.perturb()\` rescales each example into the L2 ball as torch.renorm (${backend})`, async () => {
    await setBackend(backend);
    const x = tf.tensor2d([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]);
    const pgd = new PGD(linear, { lossFunc: crossEntropyLoss });
    const mask = tf.tensor2d([[1, 1, 1], [1, 0, 1]]);
    const out = await pgd.perturb(x, {
      radius: 0.2,
      stepSize: 0.1,
      stepNum: 3,
      target: 0,
      norm: "L2",
      mask,
    });
    // Example 0: diff −0.3·[1, 1, 0] rescaled to norm 0.2 (torch.renorm: ·0.2 / (‖d‖ + 1e-7)).
    const r = 0.2 / Math.SQRT2;
    // Example 1 (x1 masked): −0.3 on x0 alone, rescaled to −0.2.
    assertAllClose(out, [[0.5 - r, 0.5 - r, 0.5], [0.3, 0.5, 0.5]], { atol: 1e-6 });
    tf.dispose([x, mask, out]);
  });

  Deno.test(`\`PGD.perturb()\` starts from a seeded random point of the ball (${backend})`, async () => {
    await setBackend(backend);
    const x = tf.zeros([2, 50]);
    const pgd = new PGD(linear);
    for (const norm of ["Linf", "L2"] as const) {
      const options = {
        radius: 0.3,
        stepSize: 0.1,
        stepNum: 0,
        target: 0,
        randomStart: true,
        norm,
      };
      const a = await pgd.perturb(x, { ...options, seed: 1 });
      const b = await pgd.perturb(x, { ...options, seed: 1 });
      const c = await pgd.perturb(x, { ...options, seed: 2 });
      assertAllClose(a, b, { atol: 0, rtol: 0 });
      assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
      const size = norm === "Linf" ? a.abs().max(1) : a.square().sum(1).sqrt();
      for (const v of size.dataSync()) assert.ok(v <= 0.3 + 1e-6 && v > 0, `${norm} ${v}`);
      tf.dispose([a, b, c, size]);
    }
    tf.dispose(x);
  });
}

Deno.test("`PGD` rejects wrong arguments with Captum-style messages", async () => {
  const x = tf.tensor2d([[0.5, 0.5, 0.5]]);
  const pgd = new PGD(linear, { lossFunc: crossEntropyLoss });
  const base = { radius: 0.1, stepSize: 0.01, stepNum: 2, target: 0 };
  await assert.rejects(pgd.perturb(x, { ...base, norm: "L1" as never }), {
    name: "TypeError",
    message:
      'Cannot compute PGD perturbations: norm must be "Linf" or "L2", received "L1". Pass norm: "Linf" or norm: "L2".',
  });
  await assert.rejects(pgd.perturb(x, { ...base, stepNum: 1.5 }), {
    name: "RangeError",
    message:
      "Cannot compute PGD perturbations: stepNum must be a non-negative integer, received 1.5. Pass the number of steps, e.g. stepNum: 10.",
  });
  const flatInputs = tf.tensor1d([1]);
  await assert.rejects(pgd.perturb(flatInputs, base), {
    name: "TypeError",
    message: /^Cannot compute PGD perturbations: inputs must be a batch/,
  });
  const before = tf.memory().numTensors;
  await assert.rejects(pgd.perturb(x, { ...base, target: 7 }), { name: "RangeError" });
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, flatInputs]);
});
