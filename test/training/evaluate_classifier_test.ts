import assert from "node:assert/strict";
import {
  accuracy,
  createClassifier,
  evaluateClassifier,
  loadFashionMnist,
  predictClasses,
  softmaxCrossEntropy,
  tf,
  toTensors,
} from "../../lib/mod.ts";

Deno.test("`evaluateClassifier()` returns the whole-split loss, accuracy and predictions", async () => {
  const split = await loadFashionMnist({ split: "test", limit: 45 });
  const model = createClassifier({ seed: 5 });
  const { xs, ys } = toTensors(split);
  const loss = tf.tidy(() => softmaxCrossEntropy(model.predict(xs) as tf.Tensor, ys).dataSync()[0]);
  const predictions = predictClasses(model, xs);
  const before = tf.memory().numTensors;
  const result = evaluateClassifier(model, split, { batchSize: 20 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(result.count, 45);
  assert.ok(Math.abs(result.loss - loss) < 1e-5, `${result.loss} vs ${loss}`);
  assert.deepEqual(result.predictions, predictions);
  assert.equal(result.accuracy, accuracy(split.labels, predictions));
  tf.dispose([xs, ys]);
  model.dispose();
});
