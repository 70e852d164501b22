import assert from "node:assert/strict";
import { join } from "node:path";
import {
  createClassifier,
  crossEntropyLossFn,
  saveCheckpoint,
  tf,
  TracInCP,
  TracInCPFast,
} from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";
import { withTempDir } from "../_helpers/temp_dir.ts";
import {
  assertTracInMatchesCaptum,
  fixtureData,
  fixtureLoader,
  fixtureMlp,
  linearData,
  linearLoader,
  linearModel,
  linearTracIn,
  readInfluenceFixture,
  squaredError,
  type TracInReference,
} from "./_fixture.ts";

const fixture = readInfluenceFixture();
const { train, test } = fixtureData(fixture);

Deno.test("`TracInCP.influence()` is Σ_c η_c ∇loss(train)·∇loss(test) on a linear model (by hand)", async () => {
  const data = linearData();
  const tracin = new TracInCP(linearModel(), data.train, [0, 1], {
    checkpointsLoadFunc: linearLoader,
    lossFn: squaredError,
    sampleWiseGradsPerBatch: true,
    batchSize: 2,
  });
  const scores = await tracin.influence(data.test);
  assertAllClose(scores, linearTracIn(true), { rtol: 1e-5, atol: 1e-5 });
  const self = await tracin.selfInfluence(data.test);
  assertAllClose(self, selfByHand(), { rtol: 1e-5, atol: 1e-5 });
  tf.dispose([scores, self, data.train.xs, data.train.ys, data.test.xs, data.test.ys]);
});

/** Self-influence of the linear model's test examples: Σ_c η_c 4 r² (|x|² + 1). */
function selfByHand(): number[] {
  const data = { x: [[1, 0, 1], [-2, 1, 0.5]], y: [2, -1] };
  const checkpoints = [
    { w: [0.5, -1, 2], b: 0.25, lr: 0.1 },
    { w: [-0.3, 0.8, 1.5], b: -0.5, lr: 0.05 },
  ];
  return data.x.map((x, t) =>
    checkpoints.reduce((sum, { w, b, lr }) => {
      const r = w.reduce((s, v, i) => s + v * x[i], b) - data.y[t];
      return sum + lr * 4 * r * r * (x.reduce((s, v) => s + v * v, 0) + 1);
    }, 0)
  );
}

for (
  const [name, lossFn, sampleWise, layers] of [
    ["TracInCP", crossEntropyLossFn({ reduction: "sum" }), true, undefined],
    ["TracInCP_fc2", crossEntropyLossFn({ reduction: "sum" }), true, ["fc2"]],
    ["TracInCP_mean", crossEntropyLossFn({ reduction: "mean" }), true, undefined],
    ["TracInCP_none", crossEntropyLossFn({ reduction: "none" }), false, undefined],
  ] as const
) {
  Deno.test(`\`TracInCP\` matches Captum's ${name} (influence, proponents, opponents, self-influence)`, async () => {
    const tracin = new TracInCP(fixtureMlp(), train, [0, 1], {
      checkpointsLoadFunc: fixtureLoader(fixture),
      lossFn,
      sampleWiseGradsPerBatch: sampleWise,
      layers,
      batchSize: 4,
    });
    await assertTracInMatchesCaptum(
      tracin,
      test,
      fixture.captum[name] as unknown as TracInReference,
    );
  });
}

Deno.test("`TracInCP` reads a checkpoint directory with learning rates, and restores the model's weights", async () => {
  await withTempDir("tracincp_test_", async (dir) => {
    const model = fixtureMlp();
    const load = fixtureLoader(fixture);
    for (const c of [0, 1]) {
      // Saved out of order on purpose: epoch_10 must come after epoch_2.
      load(model, c);
      await saveCheckpoint(model, join(dir, c === 0 ? "epoch_2" : "epoch_10"), {
        userDefinedMetadata: { learningRate: fixture.learning_rates[c] },
      });
    }
    const own = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tracin = new TracInCP(model, train, dir, {
      lossFn: crossEntropyLossFn({ reduction: "sum" }),
      sampleWiseGradsPerBatch: true,
    });
    const scores = await tracin.influence(test);
    const reference = fixture.captum.TracInCP as unknown as TracInReference;
    assertAllClose(scores, reference.influence, { rtol: 1e-4, atol: 1e-5 });
    assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), own);
    scores.dispose();
  });
});

Deno.test("`TracInCP` results do not depend on batchSize; a single batch array works too", async () => {
  const make = (batchSize: number) =>
    new TracInCP(fixtureMlp(), train, [0, 1], {
      checkpointsLoadFunc: fixtureLoader(fixture),
      lossFn: crossEntropyLossFn({ reduction: "sum" }),
      sampleWiseGradsPerBatch: true,
      batchSize,
    });
  const a = await make(1).influence(test);
  const b = await make(100).influence([test]);
  assertAllClose(a, b, { rtol: 1e-5, atol: 1e-6 });
  tf.dispose([a, b]);
});

Deno.test("`TracInCP` leaks no tensors on the tutorial CNN, and k larger than the data returns all", async () => {
  await withTempDir("tracincp_test_", async (dir) => {
    const model = createClassifier({ seed: 0 });
    await saveCheckpoint(model, join(dir, "epoch_001"));
    const xs = tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 5);
    const ys = tf.tensor1d([1, 2, 3], "int32");
    const tracin = new TracInCP(model, { xs, ys }, dir, {
      layers: ["conv2", "dense"],
      lossFn: crossEntropyLossFn({ reduction: "sum" }),
      sampleWiseGradsPerBatch: true,
      batchSize: 2,
    });
    await assertNoLeak(async () => {
      const { indices, influenceScores } = await tracin.influence({ xs, ys }, { k: 5 });
      assert.deepEqual(indices.shape, [3, 3]);
      // Each example is its own strongest proponent.
      assert.deepEqual(indices.arraySync().map((row) => row[0]), [0, 1, 2]);
      return [indices, influenceScores];
    });
    tf.dispose([xs, ys]);
  });
});

Deno.test("`TracInCP` errors name the argument, the value and the fix", async () => {
  const base = { checkpointsLoadFunc: fixtureLoader(fixture) };
  assert.throws(
    () =>
      new TracInCP(fixtureMlp(), train, [0, 1], {
        ...base,
        lossFn: crossEntropyLossFn({ reduction: "mean" }),
      }),
    (e: Error) =>
      e instanceof RangeError &&
      /^Cannot compute TracInCP influence: lossFn.reduction must be "none" .*received "mean"\. .*sampleWiseGradsPerBatch: true/
        .test(e.message),
  );
  assert.throws(
    () =>
      new TracInCP(fixtureMlp(), train, [0, 1], {
        ...base,
        lossFn: crossEntropyLossFn({ reduction: "none" }),
        sampleWiseGradsPerBatch: true,
      }),
    /lossFn.reduction must be "sum" or "mean".*received "none"/,
  );
  assert.throws(
    () => new TracInCP(fixtureMlp(), train, [0, 1], { ...base, layers: ["fc3"] }),
    /layers must be layers of the model \("fc1", "relu", "fc2"\), received "fc3"/,
  );
  assert.throws(
    () => new TracInCP(fixtureMlp(), train, [0, 1], { ...base, layers: ["relu"] }),
    /layers must be layers with trainable weights/,
  );
  assert.throws(
    () => new TracInCP(fixtureMlp(), { xs: train.xs }, [0, 1], base),
    /trainDataset.ys must be a tensor of labels/,
  );
  assert.throws(
    () => new TracInCP(fixtureMlp(), train, [0, 1], { ...base, batchSize: 0 }),
    (e: Error) =>
      e instanceof RangeError && /batchSize must be a positive integer, received 0/.test(e.message),
  );
  const tracin = new TracInCP(fixtureMlp(), train, [0, 1], base);
  await assert.rejects(
    () => tracin.influence(test, { k: 0 }),
    /k must be a positive integer, received 0/,
  );
  await assert.rejects(
    () => new TracInCP(fixtureMlp(), train, [] as number[], base).influence(test),
    /checkpoints must be a non-empty list of checkpoints, received \[\]/,
  );
  const badRate = new TracInCP(fixtureMlp(), train, [0], {
    checkpointsLoadFunc: () => undefined as unknown as number,
  });
  const badLoss = new TracInCP(fixtureMlp(), train, [0], {
    ...base,
    lossFn: Object.assign(() => tf.scalar(1), { reduction: "none" as const }),
  });
  const before = tf.memory().numTensors;
  await assert.rejects(
    () => badRate.influence(test),
    /the value checkpointsLoadFunc returned must be the checkpoint's learning rate/,
  );
  await assert.rejects(
    () => badLoss.influence(test),
    /the value lossFn returned must be one loss per example/,
  );
  assert.equal(tf.memory().numTensors, before, "a failed call leaks no tensors");
});

Deno.test("`TracInCP` on the final dense layer equals TracInCPFast plus the bias's term", async () => {
  const data = linearData();
  const options = { checkpointsLoadFunc: linearLoader, lossFn: squaredError, batchSize: 2 };
  const full = await new TracInCP(linearModel(), data.train, [0, 1], {
    ...options,
    sampleWiseGradsPerBatch: true,
  }).influence(data.test);
  const fast = await new TracInCPFast(linearModel(), "linear", data.train, [0, 1], options)
    .influence(data.test);
  assertAllClose(fast, linearTracIn(false), { rtol: 1e-5, atol: 1e-5 });
  assert.ok(tf.sub(full, fast).abs().max().dataSync()[0] > 0.1, "the bias term is not zero here");
  tf.dispose([full, fast, data.train.xs, data.train.ys, data.test.xs, data.test.ys]);
});
