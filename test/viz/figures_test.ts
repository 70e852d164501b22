import assert from "node:assert/strict";
import { decode } from "fast-png";
import { Buffer } from "node:buffer";
import {
  classProbabilitiesFigure,
  confusionMatrixFigure,
  figureMimeBundle,
  imageGridFigure,
  tf,
  trainingCurvesFigure,
} from "../../lib/mod.ts";

const names = ["T-shirt/top", "Trouser", "Pullover"];
const counts = [[50, 2, 0], [3, 40, 7], [0, 5, 45]];

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

Deno.test("`trainingCurvesFigure()` plots loss and accuracy per epoch on two subplots", () => {
  const fig = trainingCurvesFigure({
    trainLoss: [0.9, 0.5],
    valLoss: [0.7, 0.45],
    valAccuracy: [0.75, 0.85],
  });
  assert.deepEqual(fig.data.map((d) => [d.name, d.xaxis, d.yaxis]), [
    ["train loss", "x", "y"],
    ["validation loss", "x", "y"],
    ["validation accuracy", "x2", "y2"],
  ]);
  assert.deepEqual(fig.data[0].x, [1, 2]);
  assert.equal((fig.layout.yaxis2 as { title: { text: string } }).title.text, "accuracy");
  assert.equal(
    (fig.layout.title as { text: string }).text,
    "Training curves: loss and accuracy per epoch",
  );
  const lossOnly = trainingCurvesFigure({ trainLoss: [1, 0.5], epochNumbers: [5, 6] });
  assert.deepEqual(lossOnly.data[0].x, [5, 6]);
  assert.equal((lossOnly.layout.title as { text: string }).text, "Training curves: loss per epoch");
  assert.throws(() => trainingCurvesFigure({}), /at least one of trainLoss/);
  assert.throws(
    () => trainingCurvesFigure({ trainLoss: [1], epochNumbers: [1, 2] }),
    /has 1 values but epochNumbers has 2/,
  );
});

Deno.test("`classProbabilitiesFigure()` highlights the predicted class and marks the true one", () => {
  const fig = classProbabilitiesFigure([0.05, 0.25, 0.7], names, { trueLabel: 1 });
  const bar = fig.data[0];
  assert.equal(bar.type, "bar");
  const marker = bar.marker as { color: string[]; line: { color: string[] } };
  assert.deepEqual(marker.color, ["#9ecae1", "#9ecae1", "#d62728"]);
  assert.equal(marker.line.color[1], "#2ca02c");
  assert.equal(
    (fig.layout.title as { text: string }).text,
    "Class probabilities (predicted: Pullover, p = 0.700, true: Trouser)",
  );
  assert.throws(() => classProbabilitiesFigure([0.5, 0.5], names), /one name per class \(2\)/);
  assert.throws(() => classProbabilitiesFigure([[0.5, 0.5], [0.5, 0.5]], ["a", "b"]), TypeError);
  assert.throws(
    () => classProbabilitiesFigure([0.5, 0.5], ["a", "b"], { trueLabel: 2 }),
    RangeError,
  );
});

Deno.test("`imageGridFigure()` draws one labeled image per sample and a PNG of the grid", () => {
  const data = new Float32Array(3 * 4 * 4).map((_, i) => (i % 16) / 15);
  const images = tf.tensor4d(data, [3, 4, 4, 1]);
  const before = tf.memory().numTensors;
  const fig = imageGridFigure(images, { labels: [2, 0, 1], classNames: names, columns: 2 });
  assert.equal(tf.memory().numTensors, before);
  images.dispose();
  assert.equal(fig.data.length, 3);
  assert.ok(fig.data.every((d) => d.type === "image"));
  assert.deepEqual((fig.data[0].z as number[][][])[3][3], [255, 255, 255]);
  assert.deepEqual((fig.data[0].z as number[][][])[0][0], [0, 0, 0]);
  const labels = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
  assert.deepEqual(labels, ["Pullover", "T-shirt/top", "Trouser"]);
  assert.equal((fig.layout.title as { text: string }).text, "Sample images (3)");
  const b64 = figureMimeBundle(fig, { includePlotly: false })["image/png"]!;
  const png = decode(Buffer.from(b64, "base64"));
  // 2 columns × 2 rows of 4×4 images magnified ×3 (cell 12 px), 4 px gaps.
  assert.equal(png.width, 2 * 12 + 3 * 4);
  assert.equal(png.height, 2 * 12 + 3 * 4);
  assert.throws(() => imageGridFigure(images), /disposed tensor/);
  assert.throws(
    () => imageGridFigure({ data: new Float32Array(16), shape: [1, 4, 4] }, { labels: [0, 1] }),
    /one label per image \(1\), received 2/,
  );
});
