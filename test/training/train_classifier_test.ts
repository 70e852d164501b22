import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type BatchLog,
  createClassifier,
  epochCheckpointName,
  type EpochLog,
  listCheckpoints,
  loadCheckpointWeights,
  loadFashionMnist,
  tf,
  trainClassifier,
} from "../../lib/mod.ts";
import { withTempDir } from "../_helpers/temp_dir.ts";
import { separableSplit, tinyDenseModel } from "./_synthetic.ts";

Deno.test("`trainClassifier()` lowers the loss, reports every epoch and leaks no tensors", async () => {
  const data = separableSplit(600);
  const model = tinyDenseModel();
  const epochs: EpochLog[] = [];
  const batchLogs: BatchLog[] = [];
  const before = tf.memory().numTensors;
  const history = await trainClassifier(model, data, {
    epochs: 3,
    batchSize: 50,
    learningRate: 0.01,
    progress: false,
    onEpochEnd: (log) => {
      epochs.push(log);
      assert.equal(tf.memory().numTensors, before + 6); // Adam: 2 moments for each of 2 variables, 2 beta powers
    },
    onBatch: (log) => void batchLogs.push(log),
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(history.epochs.length, 3);
  assert.deepEqual(history.epochs, epochs);
  assert.deepEqual(history.trainLoss, epochs.map((e) => e.trainLoss));
  assert.deepEqual(history.valLoss, epochs.map((e) => e.valLoss));
  assert.deepEqual(history.valAccuracy, epochs.map((e) => e.valAccuracy));
  // Default validationSplit 0.1: 540 training examples → 11 batches of ≤ 50 per epoch.
  assert.equal(batchLogs.length, 33);
  assert.deepEqual(batchLogs.slice(0, 2).map((b) => [b.epoch, b.batch, b.batches]), [[1, 1, 11], [
    1,
    2,
    11,
  ]]);
  assert.ok(history.trainLoss[2] < history.trainLoss[0]);
  assert.ok(history.valLoss[2] < history.valLoss[0]);
  assert.ok(history.valAccuracy[2] > 0.9, `val accuracy ${history.valAccuracy[2]}`);
  for (const e of history.epochs) assert.ok(e.seconds > 0 && e.batchesPerSecond > 0);
  model.dispose();
});

Deno.test("`trainClassifier()` is reproducible for a seed", async () => {
  const data = separableSplit(300);
  const run = async (seed: number) => {
    const model = tinyDenseModel(0);
    const history = await trainClassifier(model, data, {
      epochs: 2,
      batchSize: 32,
      seed,
      progress: false,
    });
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return { losses: history.trainLoss, weights };
  };
  const a = await run(5);
  assert.deepEqual(await run(5), a);
  assert.notDeepEqual((await run(6)).losses, a.losses);
});

Deno.test("`trainClassifier()` uses validationData, or none with validationSplit 0", async () => {
  const data = separableSplit(200);
  const model = tinyDenseModel();
  const withData = await trainClassifier(model, data, {
    epochs: 1,
    validationData: separableSplit(70, 9),
    trainLimit: 100,
    progress: false,
    onBatch: ({ batches }) => assert.equal(batches, 2), // all 100 examples train, batch 64
  });
  assert.ok(withData.valAccuracy[0] >= 0 && withData.valAccuracy[0] <= 1);
  const none = await trainClassifier(model, data, {
    epochs: 1,
    validationSplit: 0,
    progress: false,
  });
  assert.ok(Number.isNaN(none.valLoss[0]) && Number.isNaN(none.valAccuracy[0]));
  model.dispose();
});

Deno.test("`trainClassifier()` stops on a NaN loss with a clear error and no leak", async () => {
  const data = separableSplit(100);
  data.images[5] = Number.NaN;
  const model = tinyDenseModel();
  const before = tf.memory().numTensors;
  await assert.rejects(
    trainClassifier(model, data, { epochs: 2, shuffle: false, progress: false }),
    (e: Error) =>
      /^Training stopped: the loss became NaN at epoch 1, batch 1\/2 \(learningRate 0\.001\)\. Lower learningRate/
        .test(e.message),
  );
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("`trainClassifier()` rejects invalid options with RangeError", async () => {
  const data = separableSplit(10);
  const model = tinyDenseModel();
  await assert.rejects(
    trainClassifier(model, data, { epochs: 0 }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot train the classifier: epochs must be a positive integer, received 0. Pass epochs >= 1.",
  );
  await assert.rejects(trainClassifier(model, data, { batchSize: 1.5 }), RangeError);
  await assert.rejects(
    trainClassifier(model, data, { learningRate: -1 }),
    /learningRate must be a positive/,
  );
  await assert.rejects(
    trainClassifier(model, data, { validationSplit: 1 }),
    /validationSplit must be in \[0, 1\)/,
  );
  model.dispose();
});

Deno.test("`trainClassifier()` trains the tutorial CNN on the default backend", async () => {
  const data = await loadFashionMnist({ limit: 192 });
  const model = createClassifier({ seed: 0 });
  const before = tf.memory().numTensors;
  const history = await trainClassifier(model, data, {
    epochs: 1,
    batchSize: 32,
    validationSplit: 1 / 6,
    progress: false,
  });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(history.trainLoss[0] > 0 && history.trainLoss[0] < Math.log(10) + 0.5);
  assert.ok(Number.isFinite(history.valLoss[0]));
  model.dispose();
});

Deno.test("`trainClassifier({ checkpointDir })` saves each epoch's weights and learning rate for TracIn", async () => {
  await withTempDir("train_checkpoints_", async (dir) => {
    const data = separableSplit(200);
    const model = tinyDenseModel();
    const weights: number[][][] = [];
    const history = await trainClassifier(model, data, {
      epochs: 3,
      batchSize: 50,
      learningRate: 0.02,
      progress: false,
      workers: 0,
      checkpointDir: dir,
      onEpochEnd: () => void weights.push(model.getWeights().map((w) => Array.from(w.dataSync()))),
    });
    const listed = await listCheckpoints(dir);
    assert.deepEqual(listed, [1, 2, 3].map((e) => join(dir, epochCheckpointName(e))));
    assert.deepEqual(history.epochs.map((e) => e.checkpoint), listed);
    const copy = tinyDenseModel(7);
    for (const [e, path] of listed.entries()) {
      const { userDefinedMetadata } = await loadCheckpointWeights(copy, path);
      assert.deepEqual(userDefinedMetadata, { epoch: e + 1, learningRate: 0.02 });
      assert.deepEqual(copy.getWeights().map((w) => Array.from(w.dataSync())), weights[e]);
    }
    model.dispose();
    copy.dispose();
  });
});
