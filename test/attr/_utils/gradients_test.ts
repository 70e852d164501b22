import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { gradientsOfTarget, targetGradient } from "../../../lib/attr/_utils/gradients.ts";
import { toForwardFunction } from "../../../lib/attr/_utils/forward.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";

/** A seeded two-layer ReLU net, 4 features to 3 classes. */
function net(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: 5,
        inputShape: [4],
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        biasInitializer: tf.initializers.constant({ value: 0.1 }),
      }),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

/** The kernels one call runs, by name. */
async function kernelsOf(fn: () => tf.Tensor): Promise<string[]> {
  const profile = await tf.profile(() => fn().dispose());
  return profile.kernels.map((k) => k.name);
}

Deno.test("`gradientsOfTarget()` on a LayersModel seeds backpropagation with the target's mask: the taped selection's gradient, without its kernels", async () => {
  const model = net();
  const forward = toForwardFunction("Test", model);
  // The same model as a user's function: its output shape is not declared, the selection is taped.
  const asFunction = (x: tf.Tensor) => forward(x);
  const x = tf.randomNormal([3, 4], 0, 1, "float32", 3);
  for (const target of [2, [0, 2, 1]]) {
    const seeded = gradientsOfTarget("Test", forward, x, target);
    const taped = gradientsOfTarget("Test", asFunction, x, target);
    assert.deepEqual(Array.from(seeded.dataSync()), Array.from(taped.dataSync()));
    assert.ok(seeded.abs().max().dataSync()[0] > 0);
    await assertNoLeak(() => gradientsOfTarget("Test", forward, x, target));
    tf.dispose([seeded, taped]);
  }
  // The selection's multiply and sum run only on the taped path.
  const seededKernels = await kernelsOf(() => gradientsOfTarget("Test", forward, x, 1));
  const tapedKernels = await kernelsOf(() => gradientsOfTarget("Test", asFunction, x, 1));
  assert.ok(!seededKernels.includes("Sum"), seededKernels.join(" "));
  assert.ok(tapedKernels.includes("Sum"), tapedKernels.join(" "));
  // A class the model does not have throws as on the taped path, and leaks nothing.
  const before = tf.memory().numTensors;
  assert.throws(() => gradientsOfTarget("Test", forward, x, 3), {
    name: "RangeError",
    message: /target must be a class index below the model's 3 outputs, received 3/,
  });
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("`targetGradient()` falls back to the taped selection when the output is not the declared shape", async () => {
  const w = tf.tensor2d([[1, -2, 3], [4, 5, -6]]);
  const f = (x: tf.Tensor) => x.matMul(w).square(); // [N, 3]
  const x = tf.tensor2d([[1, 2], [-1, 0.5]]);
  const expected = targetGradient("Test", f, x, [2, 0]);
  // Declared too wide, too narrow, or right: the same gradient.
  for (const declared of [[2, 5], [2, 3]]) {
    assertAllClose(targetGradient("Test", f, x, [2, 0], declared), expected, { rtol: 0, atol: 0 });
    await assertNoLeak(() => targetGradient("Test", f, x, [2, 0], declared));
  }
  // A class the declared shape lacks but the output has.
  assertAllClose(
    targetGradient("Test", f, x, 2, [2, 2]),
    targetGradient("Test", f, x, 2),
    { rtol: 0, atol: 0 },
  );
  // A class the declared shape has but the output lacks: the output's error, nothing leaked.
  const before = tf.memory().numTensors;
  assert.throws(() => targetGradient("Test", f, x, 4, [2, 5]), {
    name: "RangeError",
    message: /below the model's 3 outputs, received 4/,
  });
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([w, x, expected]);
});

Deno.test("`targetGradient()` differentiates a model whose output is its input", async () => {
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const grads = targetGradient("Test", (v) => v, x, [1, 2], [2, 3]);
  assertAllClose(grads, [[0, 1, 0], [0, 0, 1]], { rtol: 0, atol: 0 });
  await assertNoLeak(() => targetGradient("Test", (v) => v, x, 1, [2, 3]));
  tf.dispose([x, grads]);
});
