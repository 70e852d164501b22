import assert from "node:assert/strict";
import { oneHotMask, softmaxCrossEntropy, tf } from "../../lib/mod.ts";

Deno.test("`oneHotMask()` compares labels with a range, out-of-range gives zeros", () => {
  const before = tf.memory().numTensors;
  const mask = oneHotMask(tf.tensor1d([2, 0, 5], "int32"), 3);
  assert.equal(mask.dtype, "float32");
  assert.deepEqual(mask.arraySync(), [[0, 0, 1], [1, 0, 0], [0, 0, 0]]);
  mask.dispose();
  assert.equal(tf.memory().numTensors, before + 1); // only the input label tensor remains
});

Deno.test("`softmaxCrossEntropy()` equals the closed form and its gradient is softmax - onehot", () => {
  const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
  const labels = tf.tensor1d([2, 1], "int32");
  const before = tf.memory().numTensors;
  const loss = softmaxCrossEntropy(logits, labels);
  const row0 = Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3;
  const row1 = Math.log(3);
  assert.ok(Math.abs(loss.dataSync()[0] - (row0 + row1) / 2) < 1e-6);
  loss.dispose();
  const grad = tf.grad((x: tf.Tensor) => softmaxCrossEntropy(x, labels))(logits);
  const z = Math.E + Math.E ** 2 + Math.E ** 3;
  const expected = [
    [Math.E / z / 2, Math.E ** 2 / z / 2, (Math.E ** 3 / z - 1) / 2],
    [1 / 6, (1 / 3 - 1) / 2, 1 / 6],
  ];
  (grad.arraySync() as number[][]).flat().forEach((g, i) =>
    assert.ok(Math.abs(g - expected.flat()[i]) < 1e-6, `${g} vs ${expected.flat()[i]}`)
  );
  grad.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([logits, labels]);
});

Deno.test("`softmaxCrossEntropy()` rejects mismatched shapes with TypeError", () => {
  const logits = tf.zeros([2, 3]);
  const labels = tf.tensor1d([0], "int32");
  assert.throws(
    () => softmaxCrossEntropy(logits, labels),
    (e: Error) =>
      e instanceof TypeError &&
      /expected logits \[N, C\] and labels \[N\], received logits \[2,3\] and labels \[1\]/.test(
        e.message,
      ),
  );
  tf.dispose([logits, labels]);
});
