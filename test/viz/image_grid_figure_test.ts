import assert from "node:assert/strict";
import { decode } from "fast-png";
import { Buffer } from "node:buffer";
import { figureMimeBundle, imageGridFigure, tf } from "../../lib/mod.ts";

const names = ["T-shirt/top", "Trouser", "Pullover"];

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

Deno.test("`imageGridFigure()` reads images computed in 0..1 that round just above 1 as 0..1", () => {
  const images = { data: Float32Array.of(0, 0.5, 1.0000001, 0.25), shape: [1, 2, 2, 1] };
  const z = imageGridFigure(images).data[0].z as number[][][];
  assert.deepEqual(z.map((row) => row.map((p) => p[0])), [[0, 127], [255, 63]]);
  const bytes = { data: Float32Array.of(0, 2, 255, 64), shape: [1, 2, 2, 1] };
  const zBytes = imageGridFigure(bytes).data[0].z as number[][][];
  assert.deepEqual(zBytes.map((row) => row.map((p) => p[0])), [[0, 2], [255, 64]]);
});

Deno.test("`imageGridFigure()` wraps a long title and long labels instead of clipping them", () => {
  const images = { data: new Float32Array(3 * 4).fill(0.5), shape: [3, 2, 2, 1] };
  const fig = imageGridFigure(images, {
    labels: ["test: Sneaker → Sandal", "b", "c"],
    cellSize: 60,
    title: "Test image 12, then its 8 proponents (+) and 8 opponents (−) for Sandal",
  });
  const title = (fig.layout.title as { text: string }).text;
  assert.match(title, /<br>/);
  assert.equal(
    title.replaceAll("<br>", " "),
    "Test image 12, then its 8 proponents (+) and 8 opponents (−) for Sandal",
  );
  const label = (fig.layout.annotations as { text: string }[])[0].text;
  assert.equal(label.replaceAll("<br>", " "), "test: Sneaker → Sandal");
  assert.ok((fig.layout.margin as { t: number }).t > 50);
});
