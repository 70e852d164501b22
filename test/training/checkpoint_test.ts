import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CLASSIFIER_LAYER_NAMES,
  createClassifier,
  evaluateClassifier,
  listCheckpoints,
  loadCheckpoint,
  loadCheckpointWeights,
  loadFashionMnist,
  PRETRAINED_CLASSIFIER_DIR,
  saveCheckpoint,
  tf,
} from "../../lib/mod.ts";
import { withTempDir } from "../_helpers/temp_dir.ts";

function weightBytes(model: tf.LayersModel): Uint8Array[] {
  return model.getWeights().map((w) =>
    new Uint8Array((w.dataSync() as Float32Array).slice().buffer)
  );
}

Deno.test("`saveCheckpoint()` / `loadCheckpoint()` round trip is bit-exact", async () => {
  await withTempDir("checkpoint_test_", async (dir) => {
    const model = createClassifier({ seed: 11 });
    await saveCheckpoint(model, join(dir, "ckpt"));
    const loaded = await loadCheckpoint(join(dir, "ckpt"));
    assert.deepEqual(loaded.layers.map((l) => l.name), [...CLASSIFIER_LAYER_NAMES]);
    assert.deepEqual(weightBytes(loaded), weightBytes(model));
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 3);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

Deno.test("`saveCheckpoint()` writes the standard layers format (model.json + weights.bin)", async () => {
  await withTempDir("checkpoint_test_", async (dir) => {
    const model = createClassifier({ seed: 1 });
    await saveCheckpoint(model, dir);
    const json = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
    assert.equal(json.format, "layers-model");
    assert.equal(json.modelTopology.class_name, "Sequential");
    assert.equal(json.weightsManifest.length, 1);
    assert.deepEqual(json.weightsManifest[0].paths, ["./weights.bin"]);
    assert.deepEqual(
      json.weightsManifest[0].weights.map((
        w: { name: string; shape: number[] },
      ) => [w.name, w.shape]),
      [
        ["conv1/kernel", [3, 3, 1, 32]],
        ["conv1/bias", [32]],
        ["conv2/kernel", [3, 3, 32, 16]],
        ["conv2/bias", [16]],
        ["dense/kernel", [12544, 10]],
        ["dense/bias", [10]],
      ],
    );
    assert.equal((await Deno.stat(join(dir, "weights.bin"))).size, 130394 * 4);
    model.dispose();
  });
});

Deno.test("a checkpoint loads with TensorFlow.js's own HTTP loader", async () => {
  await withTempDir("checkpoint_test_", async (dir) => {
    const model = createClassifier({ seed: 2 });
    await saveCheckpoint(model, dir);
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (req) => new Response(await Deno.readFile(join(dir, new URL(req.url).pathname))),
    );
    try {
      const loaded = await tf.loadLayersModel(`http://127.0.0.1:${server.addr.port}/model.json`);
      assert.deepEqual(weightBytes(loaded), weightBytes(model));
      loaded.dispose();
    } finally {
      await server.shutdown();
    }
    model.dispose();
  });
});

Deno.test("`loadCheckpoint()` names a missing directory, model.json or weight file", async () => {
  await withTempDir("checkpoint_test_", async (dir) => {
    await assert.rejects(
      loadCheckpoint(join(dir, "nope")),
      (e: Error) =>
        e instanceof Deno.errors.NotFound &&
        e.message.includes(`directory ${join(dir, "nope")} does not exist`),
    );
    await assert.rejects(
      loadCheckpoint(dir),
      (e: Error) =>
        e instanceof Deno.errors.NotFound && e.message.includes(join(dir, "model.json")),
    );
    const model = createClassifier({ seed: 1 });
    await saveCheckpoint(model, dir);
    model.dispose();
    const weights = await Deno.readFile(join(dir, "weights.bin"));
    await Deno.writeFile(join(dir, "weights.bin"), weights.subarray(0, 1000));
    await assert.rejects(
      loadCheckpoint(dir),
      (e: Error) =>
        e instanceof TypeError &&
        /the weights manifest needs 521576 bytes, the weight files hold 1000/.test(e.message),
    );
    await Deno.remove(join(dir, "weights.bin"));
    await assert.rejects(
      loadCheckpoint(dir),
      (e: Error) =>
        e instanceof Deno.errors.NotFound &&
        e.message.includes(`weight file ${join(dir, "weights.bin")}`),
    );
    await Deno.writeTextFile(join(dir, "model.json"), "{ not json");
    await assert.rejects(loadCheckpoint(dir), /is not valid JSON/);
  });
});

Deno.test("the committed checkpoint `PRETRAINED_CLASSIFIER_DIR` reaches >= 0.89 test accuracy", async () => {
  const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
  assert.deepEqual(model.layers.map((l) => l.name), [...CLASSIFIER_LAYER_NAMES]);
  const test = await loadFashionMnist({ split: "test" });
  const before = tf.memory().numTensors;
  const { accuracy } = evaluateClassifier(model, test);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(accuracy >= 0.89, `test accuracy ${accuracy}`);
  assert.ok(Math.abs(accuracy - 0.9077) < 0.002, `test accuracy ${accuracy}, recorded 0.9077`);
  model.dispose();
});

Deno.test("`loadCheckpointWeights()` copies weights into a model and rejects another architecture", async () => {
  await withTempDir("checkpoint_test_", async (dir) => {
    const source = createClassifier({ seed: 3 });
    await saveCheckpoint(source, join(dir, "a"), { userDefinedMetadata: { learningRate: 0.1 } });
    const target = createClassifier({ seed: 4 });
    const before = tf.memory().numTensors;
    const info = await loadCheckpointWeights(target, join(dir, "a"));
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(info.userDefinedMetadata, { learningRate: 0.1 });
    assert.deepEqual(weightBytes(target), weightBytes(source));
    const other = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    await assert.rejects(
      () => loadCheckpointWeights(other, join(dir, "a")),
      (e: Error) =>
        e instanceof TypeError &&
        /must match the model, received 6 weights, the model has 2\. Pass a checkpoint saved from the same architecture/
          .test(e.message),
    );
    [source, target, other].forEach((m) => m.dispose());
  });
});

Deno.test("`listCheckpoints()` lists checkpoint subdirectories in natural order", async () => {
  await withTempDir("checkpoint_test_", async (dir) => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    for (const name of ["epoch_10", "epoch_2", "epoch_1"]) {
      await saveCheckpoint(model, join(dir, name));
    }
    await Deno.mkdir(join(dir, "notes"));
    await Deno.writeTextFile(join(dir, "README.md"), "");
    assert.deepEqual(
      await listCheckpoints(dir),
      ["epoch_1", "epoch_2", "epoch_10"].map((n) => join(dir, n)),
    );
    await assert.rejects(() => listCheckpoints(join(dir, "missing")), Deno.errors.NotFound);
    model.dispose();
  });
});
