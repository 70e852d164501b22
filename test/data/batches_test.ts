import assert from "node:assert/strict";
import {
  batches,
  type FashionMnistSplit,
  loadFashionMnist,
  numBatches,
  tf,
} from "../../lib/mod.ts";
import { syntheticSplit } from "../_helpers/synthetic_split.ts";

function collect(split: FashionMnistSplit, options: Parameters<typeof batches>[1]) {
  const out: { shape: number[]; indices: number[]; labels: number[]; firstPixels: number[] }[] = [];
  for (const { xs, ys, indices } of batches(split, options)) {
    assert.equal(xs.dtype, "float32");
    assert.equal(ys.dtype, "int32");
    const pixels = tf.tidy(() => xs.reshape([xs.shape[0], 784]).slice([0, 0], [-1, 1]));
    out.push({
      shape: xs.shape,
      indices: Array.from(indices),
      labels: Array.from(ys.dataSync()),
      firstPixels: Array.from(pixels.dataSync()),
    });
    pixels.dispose();
    xs.dispose();
    ys.dispose();
  }
  return out;
}

Deno.test("`batches()` yields NHWC batches in order with a smaller last batch", () => {
  const split = syntheticSplit(10);
  const before = tf.memory().numTensors;
  const got = collect(split, { batchSize: 4 });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(got.map((b) => b.shape), [[4, 28, 28, 1], [4, 28, 28, 1], [2, 28, 28, 1]]);
  assert.deepEqual(got.flatMap((b) => b.indices), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(got.flatMap((b) => b.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const pixels = got.flatMap((b) => b.firstPixels);
  pixels.forEach((p, i) => assert.ok(Math.abs(p - i / 10) < 1e-7));
  assert.equal(numBatches(10, 4), 3);
  assert.equal(numBatches(10, 4, true), 2);
  assert.equal(collect(split, { batchSize: 4, dropRemainder: true }).length, 2);
});

Deno.test("`batches()` shuffles as a seeded permutation, deterministic per seed", () => {
  const split = syntheticSplit(50);
  const a = collect(split, { batchSize: 8, shuffle: true, seed: 42 });
  const b = collect(split, { batchSize: 8, shuffle: true, seed: 42 });
  const c = collect(split, { batchSize: 8, shuffle: true, seed: 43 });
  const order = a.flatMap((x) => x.indices);
  assert.deepEqual(order, b.flatMap((x) => x.indices));
  assert.notDeepEqual(order, c.flatMap((x) => x.indices));
  assert.notDeepEqual(order, Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual([...order].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  // Images and labels travel together.
  const labels = a.flatMap((x) => x.labels);
  const pixels = a.flatMap((x) => x.firstPixels);
  order.forEach((index, k) => {
    assert.equal(labels[k], index % 10);
    assert.ok(Math.abs(pixels[k] - index / 50) < 1e-7);
  });
});

Deno.test("`batches()` rejects a bad batchSize with RangeError", () => {
  assert.throws(
    () => batches(syntheticSplit(3), { batchSize: 0 }).next(),
    (e: Error) =>
      e instanceof RangeError && /batchSize must be a positive integer, received 0/.test(e.message),
  );
});

Deno.test("`batches()` on real data gives pixels in [0, 1] and labels 0–9", async () => {
  const test = await loadFashionMnist({ split: "test", limit: 130 });
  let seen = 0;
  for (const { xs, ys } of batches(test, { batchSize: 64, shuffle: true, seed: 1 })) {
    const [min, max] = tf.tidy(
      () => [xs.min().arraySync() as number, xs.max().arraySync() as number],
    );
    assert.ok(min >= 0 && max <= 1 && max > 0.5);
    for (const y of ys.dataSync()) assert.ok(y >= 0 && y <= 9);
    seen += xs.shape[0];
    tf.dispose([xs, ys]);
  }
  assert.equal(seen, 130);
});
