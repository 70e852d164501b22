import assert from "node:assert/strict";
import { confusionMatrixFigure, figureMimeBundle, tf } from "../../lib/mod.ts";

const counts = [[50, 2, 0], [3, 40, 7], [0, 5, 45]];
const names = ["T-shirt/top", "Trouser", "Pullover"];

Deno.test("`confusionMatrixFigure()` puts true labels on y, predicted on x, and hides zeros", () => {
  const fig = confusionMatrixFigure(counts, names);
  const h = fig.data[0];
  assert.equal(h.type, "heatmap");
  assert.deepEqual(h.x, names);
  assert.deepEqual(h.y, names);
  assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, "Predicted label");
  assert.equal((fig.layout.yaxis as { title: { text: string } }).title.text, "True label");
  assert.equal((fig.layout.yaxis as { autorange: string }).autorange, "reversed");
  assert.deepEqual(h.z, [[50, 2, null], [3, 40, 7], [null, 5, 45]]);
  assert.deepEqual(h.text, [["50", "2", ""], ["3", "40", "7"], ["", "5", "45"]]);
  assert.equal(h.texttemplate, "%{text}");
  assert.equal((fig.layout.title as { text: string }).text, "Confusion matrix (counts)");
  assert.match(fig.description, /3 classes, 152 examples, accuracy 0\.8882/);
  assert.equal(figureMimeBundle(fig, { includePlotly: false })["image/png"], undefined);
});

Deno.test("`confusionMatrixFigure()` row-normalizes with normalize: true", () => {
  const fig = confusionMatrixFigure({ counts }, names, { normalize: true });
  const z = fig.data[0].z as (number | null)[][];
  assert.deepEqual(z[0], [50 / 52, 2 / 52, null]);
  assert.deepEqual(fig.data[0].text, [["0.96", "0.04", ""], ["0.06", "0.80", "0.14"], [
    "",
    "0.10",
    "0.90",
  ]]);
  assert.equal(fig.data[0].zmax, 1);
  assert.equal((fig.layout.title as { text: string }).text, "Confusion matrix (row-normalized)");
});

Deno.test("`confusionMatrixFigure()` reads a tf.Tensor without leaking and validates its input", () => {
  const t = tf.tensor2d(counts);
  const before = tf.memory().numTensors;
  const fig = confusionMatrixFigure(t, names);
  assert.equal(tf.memory().numTensors, before);
  t.dispose();
  assert.deepEqual(fig.data[0].z, [[50, 2, null], [3, 40, 7], [null, 5, 45]]);
  assert.throws(() => confusionMatrixFigure([[1, 2]], ["a"]), /must be a square matrix/);
  assert.throws(
    () => confusionMatrixFigure(counts, ["a", "b"]),
    /one name per class \(3\), received 2/,
  );
  assert.throws(() => confusionMatrixFigure([[1, -1], [0, 1]], ["a", "b"]), RangeError);
});
