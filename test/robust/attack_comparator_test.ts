import assert from "node:assert/strict";
import { AttackComparator, crossEntropyLoss, FGSM, tf } from "../../lib/mod.ts";

/** Logits = inputs. */
const identity = (x: tf.Tensor) => x;
const accuracy = (out: tf.Tensor, { target }: Record<string, unknown>) =>
  out.argMax(1).equal(tf.tensor1d(target as number[], "int32")).cast("float32").mean();

/** Negates the inputs on odd calls, returns them on even ones (attempts 0, 1, 0, …). */
function alternating() {
  let calls = 0;
  return (x: tf.Tensor) => ++calls % 2 === 1 ? x.neg() : x.clone();
}

Deno.test("`AttackComparator` reports the mean per attack and mean, min, max over attempts as Captum", async () => {
  const comparator = new AttackComparator(identity, accuracy);
  comparator.addAttack((x) => x.neg(), { name: "Flip" });
  comparator.addAttack(alternating(), { name: "Alt", numAttempts: 3 });
  const x = tf.tensor2d([[1, 0], [0, 1]]);
  const before = tf.memory().numTensors;
  // Values from Captum 0.8's AttackComparator on the same model, metric and attacks.
  const first = await comparator.evaluate(x, { metricKwargs: { target: [0, 1] } });
  assert.deepEqual(first, {
    Original: 1,
    Flip: { mean: 0 },
    Alt: { mean: 1 / 3, min: 0, max: 1 },
  });
  const second = await comparator.evaluate(x, { metricKwargs: { target: [0, 0] } });
  assert.deepEqual(second, {
    Original: 0.5,
    Flip: { mean: 0.5 },
    Alt: { mean: 0.5, min: 0.5, max: 0.5 },
  });
  assert.equal(tf.memory().numTensors, before);
  const summary = comparator.summary();
  assert.deepEqual(Object.keys(summary), [
    "Original",
    "Flip",
    "Alt Mean Attempt",
    "Alt Min Attempt",
    "Alt Max Attempt",
  ]);
  assert.equal(summary.Original.mean, 0.75);
  assert.equal(summary.Flip.mean, 0.25);
  assert.ok(Math.abs((summary["Alt Mean Attempt"].mean as number) - 5 / 12) < 1e-7);
  assert.equal(summary["Alt Min Attempt"].mean, 0.25);
  assert.equal(summary["Alt Max Attempt"].mean, 0.75);
  comparator.reset();
  assert.deepEqual(comparator.summary(), {});
  x.dispose();
});

Deno.test("`AttackComparator` runs FGSM with the metric's target and averages tensor metrics over the batch", async () => {
  // Logits x·W; FGSM ε = 0.6 from [0.5, 0.5, 0.5] flips label 0 (threshold ε > 0.5).
  const linear = (x: tf.Tensor) => x.matMul(tf.tensor2d([[1, -1], [2, 0], [0, 0]]));
  const perExample = (out: tf.Tensor, { target }: Record<string, unknown>) =>
    out.argMax(1).equal(tf.tensor1d(target as number[], "int32")).cast("float32");
  const comparator = new AttackComparator(linear, perExample);
  comparator.addAttack(new FGSM(linear, { lossFunc: crossEntropyLoss }), {
    attackKwargs: { epsilon: 0.6 },
    additionalAttackArgNames: ["target"],
  });
  const x = tf.tensor2d([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]);
  const result = await comparator.evaluate(x, { metricKwargs: { target: [0, 1] } });
  // Example 1 (label 1) is already wrong; the untargeted step moves it further from class 1.
  assert.deepEqual(result, { Original: [1, 0], FGSM: { mean: [0, 0] } });
  assert.deepEqual(comparator.summary(), { Original: { mean: 0.5 }, FGSM: { mean: 0 } });
  assert.throws(() => comparator.addAttack(identity, { name: "FGSM" }), {
    name: "RangeError",
    message:
      'Cannot compute AttackComparator perturbations: name must be a name no other attack has, received "FGSM". Pass a distinct name option.',
  });
  x.dispose();
});
