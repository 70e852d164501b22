import assert from "node:assert/strict";
import { createClassifier, Saliency, tf } from "../../../lib/mod.ts";
import { modelAffineExit } from "../../../lib/attr/_utils/affine_exit.ts";
import { toForwardFunction } from "../../../lib/attr/_utils/forward.ts";
import { gradientsOfTarget } from "../../../lib/attr/_utils/gradients.ts";
import { withGradientOverrides } from "../../../lib/attr/_utils/gradient_override.ts";

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/** input [5] → dense(6) → relu → dense(4, activation). */
function mlp(activation: "linear" | "softmax" = "linear"): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [5], units: 6, kernelInitializer: seeded(1) }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 4, activation, kernelInitializer: seeded(2), name: "exit" }),
    ],
  });
}

/** Gradients through the model's forward function (exit path) and through a plain function. */
function bothWays(model: tf.LayersModel, x: tf.Tensor, target: number | number[]) {
  const viaModel = gradientsOfTarget("Test", toForwardFunction("Test", model), x, target);
  const plain = (v: tf.Tensor) => model.apply(v) as tf.Tensor;
  const viaPlain = gradientsOfTarget("Test", plain, x, target);
  return { viaModel, viaPlain };
}

Deno.test("a model whose output is a linear Dense layer has an affine exit", () => {
  assert.equal(modelAffineExit(createClassifier({ seed: 0 }))?.units, 10);
  assert.equal(modelAffineExit(mlp())?.units, 4);
  assert.equal(modelAffineExit(mlp("softmax")), undefined, "an activation");
  const input = tf.input({ shape: [3, 5] });
  const dense3d = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;
  assert.equal(modelAffineExit(tf.model({ inputs: input, outputs: dense3d })), undefined, "3-D");
  const conv = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 1 })],
  });
  assert.equal(modelAffineExit(conv), undefined, "not Dense");
});

Deno.test("gradients from the affine exit equal the full backward pass, value for value", () => {
  const cases: [tf.LayersModel, tf.Tensor, number | number[]][] = [
    [mlp(), tf.randomNormal([9, 5], 0, 1, "float32", 3), 2],
    [mlp(), tf.randomNormal([8, 5], 0, 1, "float32", 4), [0, 1, 2, 3, 3, 2, 1, 0]],
    [createClassifier({ seed: 0 }), tf.randomUniform([12, 28, 28, 1], 0, 1, "float32", 5), 7],
  ];
  for (const [model, x, target] of cases) {
    const before = tf.memory().numTensors;
    const { viaModel, viaPlain } = bothWays(model, x, target);
    assert.equal(tf.memory().numTensors, before + 2, "no tensor is left behind");
    // -0 and +0 may differ (a sum of zeros); every value is equal.
    const a = viaModel.dataSync();
    const b = viaPlain.dataSync();
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) assert.ok(a[i] === b[i], `element ${i}: ${a[i]} vs ${b[i]}`);
    tf.dispose([viaModel, viaPlain, x]);
  }
});

Deno.test("an exit kernel with a non-finite entry takes the ordinary path", () => {
  const model = mlp();
  const exit = model.getLayer("exit");
  const [kernel, bias] = exit.getWeights();
  const broken = tf.tidy(() => {
    const values = kernel.arraySync() as number[][];
    values[3][1] = Infinity;
    return tf.tensor2d(values);
  });
  exit.setWeights([broken, bias]);
  const x = tf.randomNormal([8, 5], 0, 1, "float32", 6);
  const { viaModel, viaPlain } = bothWays(model, x, 2);
  assert.deepEqual(Array.from(viaModel.dataSync()), Array.from(viaPlain.dataSync()));
  assert.ok(viaModel.dataSync().some((v) => Number.isNaN(v)), "0 · ∞ reaches the gradient");
  tf.dispose([viaModel, viaPlain, broken, kernel, bias, x]);
});

Deno.test("a class index out of range is still refused with the ordinary message", async () => {
  const x = tf.randomNormal([8, 5], 0, 1, "float32", 7);
  await assert.rejects(
    () => new Saliency(mlp()).attribute(x, { target: 4 }),
    /target must be a class index below the model's 4 outputs, received 4/,
  );
  x.dispose();
});

Deno.test("under a ReLU gradient override the ReLU before the exit stays on the tape", () => {
  const model = createClassifier({ seed: 0 });
  const x = tf.randomUniform([8, 28, 28, 1], 0, 1, "float32", 9);
  // A rule that reads the ReLU's saved output (as some attribution rules do): the fold, which
  // holds only the ReLU's input, must not stand in for it.
  const byOutput = {
    kernelName: "Relu",
    inputsToSave: [],
    outputsToSave: [true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
      x: () => tf.mul(dy as tf.Tensor, tf.sub(1, saved[0])),
    }),
  };
  const { viaModel, viaPlain } = withGradientOverrides([byOutput], () => bothWays(model, x, 4));
  assert.deepEqual(Array.from(viaModel.dataSync()), Array.from(viaPlain.dataSync()));
  tf.dispose([viaModel, viaPlain, x]);
});
