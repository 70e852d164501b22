import assert from "node:assert/strict";
import { Figure, makeSubplots, trainingCurvesFigure, visualizeImageAttr } from "../../lib/mod.ts";
import { ATTR as attr, IMAGE as image, pngOf } from "../_helpers/figure_png.ts";

Deno.test("`makeSubplots()` lays out empty cells with pixel-exact domains", () => {
  const fig = makeSubplots({ rows: 1, cols: 2 });
  assert.deepEqual(fig.data, []);
  // Each cell: 240 px image + 64 px colour bar room, 16 px gap: 624 px wide; 42 px title room
  // (2 lines of 13 px type) above a 240 px image: 282 px high.
  assert.deepEqual(fig.layout.xaxis, { domain: [0, 240 / 624], visible: false, anchor: "y" });
  assert.deepEqual((fig.layout.xaxis2 as { domain: number[] }).domain, [320 / 624, 560 / 624]);
  assert.deepEqual((fig.layout.yaxis2 as { domain: number[] }).domain, [0, 240 / 282]);
  assert.equal(fig.layout.width, 624 + 40);
  assert.equal(fig.layout.height, 282 + 40);
  assert.equal(fig.raster, undefined);
  assert.equal(fig.subplots?.topPx, 42);
  const titled = makeSubplots({ cols: 2, title: "Two methods" });
  assert.equal((titled.layout.margin as { t: number }).t, 60);
  assert.equal((titled.layout.title as { text: string }).text, "Two methods");
});

Deno.test("`makeSubplots()` + `visualizeImageAttr({ into })` composes two methods side by side", () => {
  const empty = makeSubplots({ cols: 2, title: "IG and Saliency" });
  const one = visualizeImageAttr(attr, image, {
    method: "blended_heat_map",
    sign: "all",
    title: "Integrated Gradients",
    into: { figure: empty, row: 0, col: 0 },
  });
  const both = visualizeImageAttr(attr, null, {
    cmap: "viridis",
    title: "Saliency",
    into: { figure: one, row: 0, col: 1 },
  });
  assert.equal(empty.data.length, 0, "the figure passed in is not changed");
  assert.deepEqual(both.data.map((d) => [d.type, d.xaxis, d.yaxis]), [
    ["image", "x", "y"],
    ["heatmap", "x", "y"],
    ["heatmap", "x2", "y2"],
  ]);
  assert.deepEqual((both.layout.xaxis2 as { domain: number[] }).domain, [320 / 624, 560 / 624]);
  assert.deepEqual((both.layout.xaxis2 as { range: number[] }).range, [-0.5, 1.5]);
  assert.deepEqual(
    (both.layout.annotations as { text: string; x: number }[]).map((a) => [a.text, a.x]),
    [["Integrated Gradients", (0 + 240 / 624) / 2], ["Saliency", (320 / 624 + 560 / 624) / 2]],
  );
  assert.deepEqual((both.data[2].colorscale as [number, string][])[0], [0, "rgb(68,1,84)"]);
  // The colour bar sits 6 px right of its cell.
  assert.equal((both.data[2].colorbar as { x: number }).x, 560 / 624 + 6 / 624);
  assert.equal((both.layout.title as { text: string }).text, "IG and Saliency");
  const png = pngOf(both);
  assert.deepEqual([png.width, png.height], [2 * 224 + 3 * 8, 224 + 2 * 8]);
});

Deno.test("`visualizeImageAttr({ into })` wraps a long panel title to the cell, then shrinks it", () => {
  const fig = visualizeImageAttr(attr, null, {
    title: "Integrated Gradients with SmoothGrad (NoiseTunnel) (magnitude over image)",
    into: { figure: makeSubplots({ cols: 2 }), row: 0, col: 1 },
  });
  const [a] = fig.layout.annotations as { text: string; font: { size: number } }[];
  assert.deepEqual(a, {
    ...a,
    text: "Integrated Gradients with SmoothGrad<br>(NoiseTunnel) (magnitude over image)",
    font: { size: 13 },
  });
  const oneLine = visualizeImageAttr(attr, null, {
    title: "Integrated Gradients with SmoothGrad (NoiseTunnel) (magnitude over image)",
    into: { figure: makeSubplots({ titleLines: 1 }), row: 0, col: 0 },
  });
  const [b] = oneLine.layout.annotations as { text: string; font: { size: number } }[];
  // It fits no single line even at the smallest size (10 px), so it wraps there: it may reach
  // into the margin above, but never into the next panel's title.
  assert.equal(b.font.size, 10);
  assert.equal(
    b.text,
    "Integrated Gradients with SmoothGrad (NoiseTunnel)<br>(magnitude over image)",
  );
});

Deno.test("`visualizeImageAttr({ into })` pins its errors", () => {
  const fig = makeSubplots({ rows: 2, cols: 2 });
  assert.throws(
    () => visualizeImageAttr(attr, null, { into: { figure: fig, row: 2, col: 0 } }),
    /RangeError: Cannot visualize image attributions: into.row and into.col must pick a cell of the 2×2 grid \(from 0\), received row 2, col 0\./,
  );
  const drawn = visualizeImageAttr(attr, null, { into: { figure: fig, row: 1, col: 1 } });
  assert.throws(
    () => visualizeImageAttr(attr, null, { into: { figure: drawn, row: 1, col: 1 } }),
    /cell \(row 1, col 1\) already holds a panel/,
  );
  assert.throws(
    () =>
      visualizeImageAttr(attr, null, {
        into: { figure: trainingCurvesFigure({ trainLoss: [1] }), row: 0, col: 0 },
      }),
    /TypeError: Cannot visualize image attributions: into.figure must be a figure with a subplot grid \(from makeSubplots\), received a figure without one/,
  );
  assert.ok(drawn instanceof Figure);
  assert.throws(() => makeSubplots({ rows: 0 }), /rows must be a positive integer, received 0/);
});
