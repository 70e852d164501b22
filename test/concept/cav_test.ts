import assert from "node:assert/strict";
import { CAV, Concept } from "../../lib/mod.ts";
import { withTempDir } from "../_helpers/temp_dir.ts";

const concepts = [new Concept(3, "striped", null), new Concept(0, "random_0", null)];

Deno.test("`CAV.assembleSavePath()` keys a CAV by concept ids and layer, as Captum (with .json)", () => {
  assert.equal(
    CAV.assembleSavePath("./cav/", "default_model_id", concepts, "conv2"),
    "./cav/default_model_id/3-0-conv2.json",
  );
  assert.equal(
    CAV.assembleSavePath("/tmp/cavs", "m", concepts, "dense"),
    "/tmp/cavs/m/3-0-dense.json",
  );
  assert.equal(concepts[0].identifier, "striped-3");
});

Deno.test("`CAV.save()` and `CAV.load()` round-trip the weights, classes, statistics and concepts exactly", async () => {
  await withTempDir("cav_", async (dir) => {
    const w = Float32Array.of(0.1, -2.5e-8, 3e7, Math.PI);
    const stats = { weights: [w.map((v) => -v), w], classes: [0, 3], accs: 0.75, nIter: 12 };
    const cav = new CAV(concepts, "conv2", stats, `${dir}/`, "fashion_cnn");
    await cav.save();
    const loaded = await CAV.load(dir, "fashion_cnn", concepts, "conv2");
    assert.ok(loaded);
    assert.deepEqual(loaded.stats, stats);
    assert.equal(loaded.layer, "conv2");
    assert.equal(loaded.modelId, "fashion_cnn");
    assert.deepEqual(loaded.concepts.map((c) => [c.id, c.name, c.dataIter]), [
      [3, "striped", null],
      [0, "random_0", null],
    ]);
    // Another order of the same concepts is another key.
    assert.equal(await CAV.load(dir, "fashion_cnn", [...concepts].reverse(), "conv2"), null);
  });
});

Deno.test("`CAV` refuses to save without weights and to load a file that is not a CAV", async () => {
  await withTempDir("cav_", async (dir) => {
    await assert.rejects(
      () => new CAV(concepts, "conv2", null, dir).save(),
      /Cannot save the CAV: stats.weights must be one Float32Array per class, received undefined/,
    );
    const path = CAV.assembleSavePath(dir, "default_model_id", concepts, "conv2");
    await CAV.createCavDirIfMissing(dir, "default_model_id");
    await Deno.writeTextFile(path, JSON.stringify({ hello: "world" }));
    await assert.rejects(
      () => CAV.load(dir, "default_model_id", concepts, "conv2"),
      /Cannot load the CAV: .*3-0-conv2.json must be a CAV saved by CAV.save.*Delete the file, or train with forceTrain: true/,
    );
  });
});
