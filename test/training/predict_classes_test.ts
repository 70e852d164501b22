import assert from "node:assert/strict";
import {
  createClassifier,
  loadFashionMnist,
  predictClasses,
  tf,
  toTensors,
} from "../../lib/mod.ts";

Deno.test("`predictClasses()` equals argMax of the logits for any batchSize, without leaks", async () => {
  const split = await loadFashionMnist({ split: "test", limit: 37 });
  const model = createClassifier({ seed: 4 });
  const { xs, ys } = toTensors(split);
  const expected = tf.tidy(() =>
    Array.from(tf.argMax(model.predict(xs) as tf.Tensor, 1).dataSync())
  );
  const before = tf.memory().numTensors;
  for (const batchSize of [1, 10, 37, 500]) {
    assert.deepEqual(Array.from(predictClasses(model, xs, { batchSize })), expected);
  }
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => predictClasses(model, xs, { batchSize: 0 }), RangeError);
  tf.dispose([xs, ys]);
  model.dispose();
});
