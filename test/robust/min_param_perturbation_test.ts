import assert from "node:assert/strict";
import { crossEntropyLoss, FGSM, MinParamPerturbation, tf } from "../../lib/mod.ts";
import { assertAllClose } from "../_helpers/tensor_asserts.ts";

/** Logits = inputs; shifting [1, 0] by [−eps, eps] flips the prediction once eps > 0.5. */
const identity = (x: tf.Tensor) => x;
const shift = (x: tf.Tensor, { eps }: Record<string, unknown>) =>
  x.add(tf.tensor2d([[-(eps as number), eps as number]]));

/** Logits x·W; FGSM(ε) from [0.5, 0.5, 0.5] on label 0 gives logits [1.5 − 3ε, −0.5 + ε]. */
const W = [[1, -1], [2, 0], [0, 0]];
const linear = (x: tf.Tensor) => x.matMul(tf.tensor2d(W));

for (const mode of ["linear", "binary"] as const) {
  Deno.test(`\`MinParamPerturbation.evaluate()\` finds the first grid value past the closed-form threshold (${mode})`, async () => {
    const x = tf.tensor2d([[1, 0]]);
    const before = tf.memory().numTensors;
    // Captum 0.8 gives 0.625 and 0.6 on these grids, in both modes.
    for (const [argStep, argMax, expected] of [[0.125, 1, 0.625], [0.1, 2, 0.6]]) {
      const search = new MinParamPerturbation(identity, shift, {
        argName: "eps",
        argMin: 0,
        argMax,
        argStep,
        mode,
      });
      const { perturbed, param } = await search.evaluate(x, { target: 0 });
      assert.ok(Math.abs(param! - expected) < 1e-12, `${param} vs ${expected}`);
      assertAllClose(perturbed!, [[1 - param!, param!]]);
      perturbed!.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    // No value below argMax succeeds: null, nothing left allocated.
    const short = new MinParamPerturbation(identity, shift, {
      argName: "eps",
      argMin: 0,
      argMax: 0.5,
      argStep: 0.125,
      mode,
    });
    assert.deepEqual(await short.evaluate(x, { target: 0 }), { perturbed: null, param: null });
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });

  Deno.test(`\`MinParamPerturbation\` searches FGSM's epsilon on a linear model (${mode})`, async () => {
    const fgsm = new FGSM(linear, { lossFunc: crossEntropyLoss });
    const search = new MinParamPerturbation(linear, fgsm, {
      argName: "epsilon",
      argMin: 0,
      argMax: 2,
      argStep: 0.1,
      mode,
    });
    const x = tf.tensor2d([[0.5, 0.5, 0.5]]);
    const { perturbed, param } = await search.evaluate(x, {
      target: 0,
      attackKwargs: { target: 0 },
    });
    // 1.5 − 3ε < −0.5 + ε ⇔ ε > 0.5: the grid's next value (Captum: 0.6).
    assert.ok(Math.abs(param! - 0.6) < 1e-12, `${param}`);
    assertAllClose(perturbed!, [[0.5 - param!, 0.5 - param!, 0.5]]);
    tf.dispose([x, perturbed!]);
  });
}

Deno.test("`MinParamPerturbation` takes a correctFn and validates its options", async () => {
  const x = tf.tensor2d([[1, 0]]);
  // "Correct" while the first logit stays above 0.7: fails from eps = 0.375.
  const search = new MinParamPerturbation(identity, shift, {
    argName: "eps",
    argMin: 0,
    argMax: 1,
    argStep: 0.125,
    correctFn: (out, _target, { level }) => out.dataSync()[0] > (level as number),
  });
  const { perturbed, param } = await search.evaluate(x, { correctFnKwargs: { level: 0.7 } });
  assert.equal(param, 0.375);
  perturbed!.dispose();
  assert.throws(
    () =>
      new MinParamPerturbation(identity, shift, {
        argName: "eps",
        argMin: 0,
        argMax: 0.1,
        argStep: 0.1,
      }),
    {
      name: "RangeError",
      message:
        "Cannot compute MinParamPerturbation perturbations: argMax must be above argMin + argStep (0.1), received 0.1. Widen the range or take a smaller argStep.",
    },
  );
  assert.throws(
    () =>
      new MinParamPerturbation(identity, shift, {
        argName: "eps",
        argMin: 0,
        argMax: 1,
        argStep: 0.1,
        mode: "ternary" as never,
      }),
    { name: "TypeError", message: /mode must be "linear" or "binary", received "ternary"/ },
  );
  x.dispose();
});

Deno.test("`MinParamPerturbation` rejects an attack function that returns a Promise, naming the fix", async () => {
  const fgsm = new FGSM(linear, { lossFunc: crossEntropyLoss });
  const asyncAttack = (x: tf.Tensor, { eps }: Record<string, unknown>) =>
    fgsm.perturb(x, { epsilon: eps as number, target: 0 }) as unknown as tf.Tensor;
  const search = new MinParamPerturbation(linear, asyncAttack, {
    argName: "eps",
    argMin: 0,
    argMax: 1,
    argStep: 0.1,
  });
  const x = tf.tensor2d([[0.5, 0.5, 0.5]]);
  const before = tf.memory().numTensors;
  await assert.rejects(search.evaluate(x, { target: 0 }), {
    name: "TypeError",
    message:
      /^Cannot run the attack: an attack function must return a tensor synchronously, received a Promise\. Pass an FGSM or PGD instance itself/,
  });
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
