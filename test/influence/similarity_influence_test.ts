import assert from "node:assert/strict";
import { cosineSimilarity, euclideanDistance, SimilarityInfluence, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";
import { fixtureData, fixtureLoader, fixtureMlp, readInfluenceFixture } from "./_fixture.ts";

const fixture = readInfluenceFixture();
const { train, test } = fixtureData(fixture);

/** The fixture's MLP at its last checkpoint (where Captum's similarities were taken). */
function lastCheckpointMlp(): tf.Sequential {
  const model = fixtureMlp();
  fixtureLoader(fixture)(model, 1);
  return model;
}

for (const [metric, direction] of [["cosine", "max"], ["euclidean", "min"]] as const) {
  Deno.test(`\`SimilarityInfluence\` matches Captum's ${metric} similarity at two layers`, async () => {
    const similarity = new SimilarityInfluence(lastCheckpointMlp(), ["fc1", "fc2"], train.xs, {
      similarityMetric: metric,
      similarityDirection: direction,
      batchSize: 4,
    });
    const reference = fixture.captum[`SimilarityInfluence_${metric}`] as Record<
      string,
      { indices: number[][]; similarities: number[][] }
    >;
    await assertNoLeak(async () => {
      const found = await similarity.influence(test.xs, { topK: 3 });
      assert.deepEqual(Object.keys(found), ["fc1", "fc2"]);
      for (const layer of ["fc1", "fc2"]) {
        assert.deepEqual(found[layer].indices.arraySync(), reference[layer].indices, layer);
        assertAllClose(found[layer].similarities, reference[layer].similarities, {
          rtol: 1e-4,
          atol: 1e-5,
        });
        assert.deepEqual(found[layer].zeroActs, []);
      }
      return Object.values(found).flatMap((r) => [r.indices, r.similarities]);
    });
  });
}

Deno.test("`SimilarityInfluence` reads labeled data too, and reports zero activations", async () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ name: "d", units: 2, inputShape: [2], useBias: false })],
  });
  model.setWeights([tf.eye(2)]);
  const xs = tf.tensor2d([[1, 0], [0, 0], [0.5, 0.5]]);
  const similarity = new SimilarityInfluence(model, "d", { xs, ys: tf.zeros([3]) });
  const found = await similarity.influence(tf.tensor2d([[1, 1]]), { topK: 3 });
  assert.deepEqual(found.d.indices.arraySync(), [[2, 0, 1]]);
  assertAllClose(found.d.similarities, [[1, Math.SQRT1_2, -2]], { rtol: 1e-5 });
  assert.deepEqual(found.d.zeroActs, [[0, 1]]);
});

Deno.test("`cosineSimilarity()` and `euclideanDistance()` are pairwise over flattened rows", () => {
  const a = tf.tensor3d([[[1, 0]], [[0, 2]]]);
  const b = tf.tensor3d([[[3, 4]], [[0, 0]]]);
  assertAllClose(cosineSimilarity(a, b, 7), [[0.6, 7], [0.8, 7]], { rtol: 1e-5 });
  assertAllClose(euclideanDistance(a, b), [[Math.sqrt(20), 1], [Math.sqrt(13), 2]], {
    rtol: 1e-5,
  });
});

Deno.test("`SimilarityInfluence` errors name the argument, the value and the fix", async () => {
  assert.throws(
    () =>
      new SimilarityInfluence(fixtureMlp(), "fc1", train.xs, {
        similarityDirection: "up" as "max",
      }),
    (e: Error) =>
      e instanceof RangeError &&
      /^Cannot compute SimilarityInfluence influence: similarityDirection must be "max" or "min", received "up"/
        .test(e.message),
  );
  assert.throws(
    () => new SimilarityInfluence(fixtureMlp(), "fc1", train.xs, { batchSize: 1.5 }),
    /batchSize must be a positive integer, received 1.5/,
  );
  assert.throws(
    () => new SimilarityInfluence(fixtureMlp(), "nope", train.xs),
    /layer must be one of the model's layers/,
  );
  const similarity = new SimilarityInfluence(fixtureMlp(), "fc1", train.xs, {
    similarityMetric: (t) => tf.zeros([t.shape[0], 2]),
  });
  await assert.rejects(
    () => similarity.influence(test.xs),
    /the value similarityMetric returned must be a \[3, 16\] matrix.*received "a tensor of shape \[3, 2\]"/,
  );
  await assert.rejects(() => similarity.influence(test.xs, { topK: 0 }), /topK must be/);
});
