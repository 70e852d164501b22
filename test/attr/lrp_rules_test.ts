import assert from "node:assert/strict";
import {
  Alpha1Beta0Rule,
  EpsilonRule,
  GammaRule,
  IdentityRule,
  PropagationRule,
  tf,
} from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

Deno.test("LRP rules have Captum's defaults", () => {
  const epsilon = new EpsilonRule();
  assert.equal(epsilon.stabilityFactor, 1e-9);
  assert.equal(String(epsilon), "EpsilonRule(epsilon=1e-9)");
  const gamma = new GammaRule();
  assert.equal(gamma.gamma, 0.25);
  assert.equal(gamma.setBiasToZero, false);
  assert.equal(gamma.stabilityFactor, 1e-9);
  const alphaBeta = new Alpha1Beta0Rule();
  assert.equal(alphaBeta.setBiasToZero, false);
  assert.equal(alphaBeta.stabilityFactor, 1e-9);
  assert.equal(new IdentityRule().stabilityFactor, 1e-9);
  for (const rule of [epsilon, gamma, alphaBeta, new IdentityRule()]) {
    assert.ok(rule instanceof PropagationRule);
  }
  assert.ok(new IdentityRule() instanceof EpsilonRule, "IdentityRule extends EpsilonRule");
});

Deno.test("`GammaRule` and `Alpha1Beta0Rule` change weights as Captum's `_manipulate_weights`", () => {
  const w = tf.tensor1d([2, -2, 0, 0.5]);
  assertAllClose(new GammaRule({ gamma: 0.5 }).manipulateWeight(w), [3, -2, 0, 0.75]);
  assertAllClose(new GammaRule().manipulateWeight(w), [2.5, -2, 0, 0.625]);
  assertAllClose(new Alpha1Beta0Rule().manipulateWeight(w), [2, 0, 0, 0.5]);
  assert.equal(new EpsilonRule().manipulateWeight(w), w);
  assert.equal(new GammaRule({ setBiasToZero: true }).setBiasToZero, true);
  w.dispose();
});

Deno.test("`PropagationRule.propagate()` is a ⊙ Wᵀ(R / (z + ε·sign z)) on a linear layer", async () => {
  // z = a·W: z = [1·1 + 2·(−1), 1·2 + 2·1] = [−1, 4].
  const a = tf.tensor2d([[1, 2]]);
  const w = tf.tensor2d([[1, 2], [-1, 1]]);
  const r = tf.tensor2d([[0.5, 2]]);
  const eps = 0.5;
  const rule = new EpsilonRule({ epsilon: eps });
  const [rIn] = rule.propagate((xs) => xs[0].matMul(w), [a], r);
  // s = [0.5 / (−1 − 0.5), 2 / (4 + 0.5)] = [−1/3, 4/9]; Wᵀ s = [−1/3 + 8/9, 1/3 + 4/9].
  const s = [-1 / 3, 4 / 9];
  assertAllClose(rIn, [[1 * (s[0] + 2 * s[1]), 2 * (-s[0] + s[1])]], { atol: 1e-6 });
  // sign(0) = 1: a zero output divides by +ε.
  const [atZero] = rule.propagate((xs) => xs[0].mul(0), [a], tf.ones([1, 2]));
  assertAllClose(atZero, [[0, 0]]);
  await assertNoLeak(() => tf.tidy(() => rule.propagate((xs) => xs[0].matMul(w), [a], r)));
  tf.dispose([a, w, r, rIn, atZero]);
});

Deno.test("`IdentityRule.propagate()` hands the output's relevance on unchanged", () => {
  const r = tf.tensor2d([[1, -2]]);
  const [out] = new IdentityRule().propagate((xs) => xs[0].mul(3), [tf.ones([1, 2])], r);
  assertAllClose(out, [[1, -2]]);
  assert.notEqual(out, r, "a new tensor the caller may dispose");
  tf.dispose([r, out]);
});

Deno.test("LRP rules refuse bad parameters, naming them", () => {
  assert.throws(
    () => new EpsilonRule({ epsilon: -1 }),
    (e: unknown) =>
      e instanceof RangeError &&
      e.message.startsWith(
        "Cannot compute LRP attributions: epsilon must be a finite number >= 0",
      ) &&
      e.message.includes("received -1"),
  );
  assert.throws(() => new EpsilonRule({ epsilon: NaN }), RangeError);
  assert.throws(() => new GammaRule({ gamma: Infinity }), RangeError);
  assert.throws(
    () => new GammaRule({ setBiasToZero: "yes" as unknown as boolean }),
    (e: unknown) => e instanceof TypeError && e.message.includes("setBiasToZero must be a boolean"),
  );
  assert.throws(() => new Alpha1Beta0Rule({ setBiasToZero: 1 as unknown as boolean }), TypeError);
});
