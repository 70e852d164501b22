import assert from "node:assert/strict";
import { noiseBaselines, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

Deno.test("`noiseBaselines()` puts a zero image first, then seeded uniform noise", () => {
  const b = noiseBaselines([7, 3, 2, 1], { count: 4, low: -1, high: 2, seed: 5 });
  assert.equal(b.dtype, "float32");
  assert.deepEqual(b.shape, [5, 3, 2, 1]);
  const values = b.dataSync();
  assert.deepEqual(Array.from(values.slice(0, 6)), [0, 0, 0, 0, 0, 0]);
  const noise = values.slice(6);
  assert.ok(noise.every((v) => v >= -1 && v < 2), "noise within [low, high)");
  assert.ok(new Set(noise).size > 20, "noise values differ");
  // The noise is tf.randomUniform's with the same seed; the same seed repeats it.
  const expected = tf.randomUniform([4, 3, 2, 1], -1, 2, "float32", 5);
  assertAllClose(noise, expected);
  const again = noiseBaselines([1, 3, 2, 1], { count: 4, low: -1, high: 2, seed: 5 });
  assertAllClose(again, b);
  tf.dispose([b, expected, again]);
});

Deno.test("`noiseBaselines()` without the zero image, and zero image only", () => {
  const noiseOnly = noiseBaselines([1, 4], { count: 2, includeZeros: false });
  assert.deepEqual(noiseOnly.shape, [2, 4]);
  assert.ok(noiseOnly.dataSync().some((v) => v !== 0));
  const zerosOnly = noiseBaselines([1, 4], { count: 0 });
  assert.deepEqual(zerosOnly.shape, [1, 4]);
  assert.deepEqual(Array.from(zerosOnly.dataSync()), [0, 0, 0, 0]);
  tf.dispose([noiseOnly, zerosOnly]);
});

Deno.test("`noiseBaselines()` does not leak tensors", async () => {
  await assertNoLeak(() => noiseBaselines([1, 28, 28, 1]));
  await assertNoLeak(() => noiseBaselines([1, 28, 28, 1], { includeZeros: false }));
});

Deno.test("`noiseBaselines()` rejects bad shapes, counts and bounds", () => {
  assert.throws(
    () => noiseBaselines([1, 4], { count: -1 }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot make noise baselines: count must be a non-negative integer, received -1. " +
          "Pass e.g. count: 4.",
  );
  assert.throws(
    () => noiseBaselines([1, 4], { count: 0, includeZeros: false }),
    /there would be no baseline/,
  );
  assert.throws(() => noiseBaselines([1, 4], { low: 1, high: 1 }), /low < high/);
  assert.throws(() => noiseBaselines([4], {}), TypeError);
  assert.throws(() => noiseBaselines([1, 0], {}), TypeError);
});
