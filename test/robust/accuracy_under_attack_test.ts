import assert from "node:assert/strict";
import { accuracyUnderAttack, crossEntropyLoss, FGSM, tf } from "../../lib/mod.ts";
import { assertNoLeak } from "../_helpers/tensor_asserts.ts";

// Logits (x0 − x1, x1 − x0): class 0 wins while x0 > x1. An untargeted FGSM step of ε moves x0
// down and x1 up by ε, so an example with margin |x0 − x1| = m flips once 2ε > m.
const model = (x: tf.Tensor) => x.matMul(tf.tensor2d([[1, -1], [-1, 1]]));
const fgsm = new FGSM(model, { lossFunc: crossEntropyLoss });
const attack = (x: tf.Tensor, epsilon: number, target: number[]) =>
  fgsm.perturb(x, { epsilon, target });

Deno.test("`accuracyUnderAttack()` flips each example once ε exceeds half its margin", async () => {
  const xs = tf.tensor2d([[0.6, 0.4], [0.2, 0.8], [0.9, 0.1]]); // margins 0.2, 0.6, 0.8
  await assertNoLeak(async () => {
    const curve = await accuracyUnderAttack(
      model,
      xs,
      [0, 1, 0],
      attack,
      [0, 0.05, 0.2, 0.35, 0.5],
      {
        batchSize: 2,
      },
    );
    assert.deepEqual(curve.epsilons, [0, 0.05, 0.2, 0.35, 0.5]);
    assert.deepEqual(curve.accuracy, [1, 1, 2 / 3, 1 / 3, 0]);
  });
  xs.dispose();
});

Deno.test("`accuracyUnderAttack()` counts clean mistakes and accepts Int32Array labels", async () => {
  const xs = tf.tensor2d([[0.6, 0.4], [0.2, 0.8]]);
  const curve = await accuracyUnderAttack(model, xs, Int32Array.of(1, 1), attack, [0]);
  assert.deepEqual(curve.accuracy, [0.5]);
  xs.dispose();
});

Deno.test("`accuracyUnderAttack()` names the argument that is wrong", async () => {
  const xs = tf.tensor2d([[0.6, 0.4], [0.2, 0.8]]);
  await assertNoLeak(async () => {
    await assert.rejects(accuracyUnderAttack(model, xs, [0], attack, [0.1]), {
      name: "RangeError",
      message: /target/,
    });
    await assert.rejects(accuracyUnderAttack(model, xs, [0, 1], attack, []), {
      name: "TypeError",
      message:
        /^Cannot compute accuracyUnderAttack perturbations: epsilons must be a non-empty array/,
    });
    await assert.rejects(accuracyUnderAttack(model, xs, [0, 1], attack, [0.1, -1]), {
      name: "RangeError",
      message: /epsilons\[1\] must be a non-negative number, received -1/,
    });
    await assert.rejects(
      accuracyUnderAttack(model, xs, [0, 1], () => Promise.resolve(tf.zeros([1, 2])), [0.1]),
      {
        name: "TypeError",
        message: /attack's result must be a tensor of the batch's shape \[2,2\]/,
      },
    );
    await assert.rejects(accuracyUnderAttack(model, xs, [0, 1], attack, [0.1], { batchSize: 0 }), {
      name: "RangeError",
      message: /batchSize must be a positive integer/,
    });
  });
  xs.dispose();
});
