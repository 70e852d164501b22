import assert from "node:assert/strict";
import {
  createClassifier,
  IntegratedGradients,
  setAttributionWorkers,
  tf,
} from "../../../lib/mod.ts";
import { affineEntry } from "../../../lib/attr/_utils/affine_entry.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/** input [6] → dense(5, linear) → relu → dense(3). */
function denseNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 5, kernelInitializer: seeded(1), name: "entry" }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 3, kernelInitializer: seeded(2) }),
    ],
  });
}

/** input [8, 8, 2] → depthwise 3×3 stride 2 → relu → flatten → dense(4). */
function depthwiseNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.depthwiseConv2d({
        inputShape: [8, 8, 2],
        kernelSize: 3,
        strides: 2,
        padding: "same",
        depthMultiplier: 2,
        depthwiseInitializer: seeded(3),
        biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 4 }),
        useBias: true,
        name: "entry",
      }),
      tf.layers.reLU(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, kernelInitializer: seeded(5) }),
    ],
  });
}

/** IG through the model (entry path) and through a forward function (the plain input path). */
async function bothWays(model: tf.LayersModel, x: tf.Tensor, target: number | number[]) {
  setAttributionWorkers({ workers: 0 });
  try {
    const options = { target, nSteps: 16, baselines: 0.25 };
    const viaEntry = await new IntegratedGradients(model).attribute(x, options);
    const plain = (v: tf.Tensor) => model.apply(v) as tf.Tensor;
    const viaInputs = await new IntegratedGradients(plain).attribute(x, options);
    return { viaEntry, viaInputs };
  } finally {
    setAttributionWorkers({});
  }
}

Deno.test("the tutorial CNN, a dense and a depthwise net have an affine entry layer", () => {
  assert.equal(affineEntry(createClassifier({ seed: 0 }))?.layer, "conv1");
  assert.equal(affineEntry(denseNet())?.layer, "entry");
  assert.equal(affineEntry(depthwiseNet())?.layer, "entry");
});

Deno.test("no affine entry: an activation, a second reader of the input, a non-affine first layer", () => {
  const withRelu = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: "relu" })],
  });
  assert.equal(affineEntry(withRelu), undefined);

  const input = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
  const skip = tf.layers.add().apply([a, input]) as tf.SymbolicTensor;
  assert.equal(affineEntry(tf.model({ inputs: input, outputs: skip })), undefined);

  const normFirst = tf.sequential({
    layers: [
      tf.layers.batchNormalization({ inputShape: [4] }),
      tf.layers.dense({ units: 2 }),
    ],
  });
  assert.equal(affineEntry(normFirst), undefined);

  const shared = tf.layers.dense({ units: 4 });
  const i2 = tf.input({ shape: [4] });
  const twice = shared.apply(shared.apply(i2)) as tf.SymbolicTensor;
  assert.equal(affineEntry(tf.model({ inputs: i2, outputs: twice })), undefined);
});

Deno.test("IntegratedGradients through the entry layer equals the input-space integral", async () => {
  const cases: [tf.LayersModel, tf.Tensor, number | number[]][] = [
    [createClassifier({ seed: 0 }), tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 1), [3, 7]],
    [denseNet(), tf.randomNormal([3, 6], 0, 1, "float32", 2), 1],
    [depthwiseNet(), tf.randomNormal([2, 8, 8, 2], 0, 1, "float32", 3), [0, 2]],
  ];
  for (const [model, x, target] of cases) {
    const before = tf.memory().numTensors;
    const { viaEntry, viaInputs } = await bothWays(model, x, target);
    assert.equal(tf.memory().numTensors, before + 2, "only the two results are left");
    assert.deepEqual(viaEntry.shape, x.shape);
    assertAllClose(viaEntry, viaInputs, { atol: 1e-6, rtol: 1e-4 });
    tf.dispose([viaEntry, viaInputs, x]);
  }
});
