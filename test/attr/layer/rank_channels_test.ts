import assert from "node:assert/strict";
import { rankChannels, tf } from "../../../lib/mod.ts";
import { assertNoLeak } from "../../_helpers/tensor_asserts.ts";

// 2 × 2 positions, 3 channels. Channel sums: 1+2+3+4 = 10, -1-2-3-8 = -14, 1-1+1-1 = 0.
// Channel absolute sums: 10, 14, 4.
const VALUES = [
  [[1, -1, 1], [2, -2, -1]],
  [[3, -3, 1], [4, -8, -1]],
];

Deno.test("`rankChannels()` ranks channels by the magnitude of their summed attribution", () => {
  const attr = tf.tensor4d([VALUES]);
  assert.deepEqual(rankChannels(attr), [
    { channel: 1, score: -14 },
    { channel: 0, score: 10 },
    { channel: 2, score: 0 },
  ]);
  assert.deepEqual(rankChannels(attr, { k: 1 }), [{ channel: 1, score: -14 }]);
  attr.dispose();
});

Deno.test('`rankChannels()` with by: "abs" sums absolute values', () => {
  const attr = tf.tensor3d(VALUES); // [h, w, c] works too
  assert.deepEqual(rankChannels(attr, { by: "abs", k: Infinity }), [
    { channel: 1, score: 14 },
    { channel: 0, score: 10 },
    { channel: 2, score: 4 },
  ]);
  attr.dispose();
});

Deno.test("`rankChannels()` breaks ties by channel index and takes dense [1, units]", () => {
  const attr = tf.tensor2d([[2, -3, 3, 0.5]]);
  assert.deepEqual(rankChannels(attr, { k: 3 }), [
    { channel: 1, score: -3 },
    { channel: 2, score: 3 },
    { channel: 0, score: 2 },
  ]);
  attr.dispose();
});

Deno.test("`rankChannels()` does not leak tensors", async () => {
  const attr = tf.tensor4d([VALUES]);
  await assertNoLeak(() => rankChannels(attr, { by: "abs" }));
  await assertNoLeak(() => rankChannels(attr, { by: "sum" }));
  attr.dispose();
});

Deno.test("`rankChannels()` rejects batches, bad k and by", () => {
  const batch = tf.zeros([2, 2, 2, 3]);
  assert.throws(
    () => rankChannels(batch),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot rank the channels of the layer attributions: layerAttr must hold one example, " +
          "shaped [1, height, width, channels], [height, width, channels] or [1, units], " +
          "received shape [2, 2, 2, 3]. Slice one example first, e.g. attr.slice(i, 1).",
  );
  const one = batch.slice(0, 1);
  assert.throws(() => rankChannels(one, { k: 0 }), /k must be a positive integer or Infinity/);
  assert.throws(
    () => rankChannels(one, { by: "max" as "sum" }),
    (e: Error) =>
      e instanceof RangeError && /by must be "sum" or "abs", received "max"/.test(e.message),
  );
  assert.throws(() => rankChannels([1, 2] as unknown as tf.Tensor), TypeError);
  tf.dispose([batch, one]);
});
