import assert from "node:assert/strict";
import {
  BACKEND_NAMES,
  crossEntropyLoss,
  FGSM,
  negativeLogLoss,
  setBackend,
  tf,
} from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/** Logits x·W: ∂CE/∂x for label y is W·(softmax − onehot(y)). */
const W = [[1, -1], [2, 0], [0, 0]];
const linear = (x: tf.Tensor) => x.matMul(tf.tensor2d(W));

for (const backend of BACKEND_NAMES) {
  Deno.test(`\`FGSM.perturb()\` steps against the gradient's sign, untargeted and targeted (${backend})`, async () => {
    await setBackend(backend);
    const x = tf.tensor2d([[0.5, 0.5, 0.5], [0.2, 0.9, 0.5]]);
    const fgsm = new FGSM(linear, { lossFunc: crossEntropyLoss });
    // Label 0: ∇ = W·(p − e0) = [−2p1, 2(p0 − 1), 0] → x − ε·[1, 1, 0] (third: zero gradient).
    const away = await fgsm.perturb(x, { epsilon: 0.1, target: 0 });
    assertAllClose(away, [[0.4, 0.4, 0.5], [0.1, 0.8, 0.5]]);
    // Targeted at 0: descend, x + ε·[1, 1, 0].
    const towards = await fgsm.perturb(x, { epsilon: 0.1, target: [0, 0], targeted: true });
    assertAllClose(towards, [[0.6, 0.6, 0.5], [0.3, 1.0, 0.5]]);
    // Label 1 for the second: ∇ = W·(p − e1) = [2p0, 2p0, 0] → x + ε·[1, 1, 0].
    const mixed = await fgsm.perturb(x, { epsilon: 0.1, target: [0, 1] });
    assertAllClose(mixed, [[0.4, 0.4, 0.5], [0.3, 1.0, 0.5]]);
    await assertNoLeak(() => fgsm.perturb(x, { epsilon: 0.1, target: 0 }));
    tf.dispose([x, away, towards, mixed]);
  });

  Deno.test(`\`FGSM.perturb()\` clamps to the bounds and perturbs only the mask (${backend})`, async () => {
    await setBackend(backend);
    const x = tf.tensor2d([[0.05, 0.5, 0.5]]);
    const fgsm = new FGSM(linear, { lossFunc: crossEntropyLoss, lowerBound: 0, upperBound: 1 });
    const clamped = await fgsm.perturb(x, { epsilon: 0.1, target: 0 });
    assertAllClose(clamped, [[0, 0.4, 0.5]]);
    const mask = tf.tensor2d([[0, 1, 1]]);
    const masked = await fgsm.perturb(x, { epsilon: 0.1, target: 0, mask });
    assertAllClose(masked, [[0.05, 0.4, 0.5]]);
    tf.dispose([x, clamped, mask, masked]);
  });

  Deno.test(`\`FGSM.perturb()\` uses Captum's −log(output[label]) by default (${backend})`, async () => {
    await setBackend(backend);
    // Probabilities [x0, 1 − x0]: −log p0 decreases with x0, so the untargeted step lowers x0.
    const probs = (x: tf.Tensor) => tf.concat([x, tf.scalar(1).sub(x)], 1);
    const x = tf.tensor2d([[0.5], [0.3]]);
    const out = await new FGSM(probs).perturb(x, { epsilon: 0.25, target: [0, 1] });
    assertAllClose(out, [[0.25], [0.55]]);
    const loss = negativeLogLoss(tf.tensor2d([[0.25, 0.75]]), [1]);
    assertAllClose(loss, [-Math.log(0.75)]);
    tf.dispose([x, out, loss]);
  });
}

Deno.test("`FGSM` rejects wrong arguments with Captum-style messages", async () => {
  const x = tf.tensor2d([[0.5, 0.5, 0.5]]);
  assert.throws(() => new FGSM(42 as never), {
    name: "TypeError",
    message:
      "Cannot compute FGSM perturbations: model must be a tf.LayersModel, a tf.GraphModel or a forward function (x: tf.Tensor) => tf.Tensor, received 42. Pass the model itself or a function that runs it.",
  });
  assert.throws(() => new FGSM(linear, { lowerBound: 1, upperBound: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute FGSM perturbations: lowerBound must be at most upperBound (0), received 1. Swap the bounds, e.g. { lowerBound: 0, upperBound: 1 }.",
  });
  const fgsm = new FGSM(linear, { lossFunc: crossEntropyLoss });
  await assert.rejects(fgsm.perturb(x, { epsilon: -1, target: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute FGSM perturbations: epsilon must be a non-negative number, received -1. Pass a non-negative number for epsilon.",
  });
  await assert.rejects(fgsm.perturb(x, { epsilon: 0.1, target: [0, 1] }), {
    name: "RangeError",
    message:
      "Cannot compute FGSM perturbations: target must be an array of one class index per example (length 1), received [0, 1]. Pass 1 indices, or a single index for all examples.",
  });
  const mask = tf.ones([1, 2]);
  await assert.rejects(fgsm.perturb(x, { epsilon: 0.1, target: 0, mask }), {
    name: "TypeError",
    message: /^Cannot compute FGSM perturbations: mask must be a tensor of zeros and ones/,
  });
  const before = tf.memory().numTensors;
  await assert.rejects(fgsm.perturb(x, { epsilon: 0.1, target: 5 }), { name: "RangeError" });
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, mask]);
});
