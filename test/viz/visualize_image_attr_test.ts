import assert from "node:assert/strict";
import { type PlotlyTrace, tf, visualizeImageAttr } from "../../lib/mod.ts";
import { pngOf } from "../_helpers/figure_png.ts";

import { ATTR as attr, IMAGE as image } from "../_helpers/figure_png.ts";

/** The figure title with its line breaks as spaces. */
function titleText(fig: { layout: Record<string, unknown> }): string {
  return (fig.layout.title as { text: string }).text.replaceAll("<br>", " ");
}

function trace(fig: { data: PlotlyTrace[] }, type: string): PlotlyTrace {
  const t = fig.data.find((d) => d.type === type);
  assert.ok(t, `no ${type} trace in ${fig.data.map((d) => d.type)}`);
  return t;
}

Deno.test("`visualizeImageAttr()` heat map uses Captum's normalization and Blues over 0..1 by default", () => {
  const fig = visualizeImageAttr(attr);
  const h = trace(fig, "heatmap");
  assert.deepEqual(h.z, [[0.25, 0.5], [0.75, 1]]);
  assert.equal(h.zmin, 0);
  assert.equal(h.zmax, 1);
  const cs = h.colorscale as [number, string][];
  assert.deepEqual(cs[0], [0, "rgb(247,251,255)"]);
  assert.deepEqual(cs[cs.length - 1], [1, "rgb(8,48,107)"]);
  assert.equal(h.showscale, true);
  assert.equal(
    (fig.layout.title as { text: string }).text,
    "Heat map (absolute-value attributions)",
  );
});

Deno.test("`visualizeImageAttr()` picks Captum's colour scale and range per sign", () => {
  const all = trace(visualizeImageAttr(attr, null, { sign: "all" }), "heatmap");
  assert.deepEqual(all.z, [[0.25, -0.5], [0.75, -1]]);
  assert.deepEqual([all.zmin, all.zmax], [-1, 1]);
  assert.deepEqual(all.colorscale, [[0, "rgb(255,0,0)"], [0.5, "rgb(255,255,255)"], [
    1,
    "rgb(0,128,0)",
  ]]);
  const pos = trace(visualizeImageAttr(attr, null, { sign: "positive" }), "heatmap");
  assert.deepEqual([pos.zmin, pos.zmax], [0, 1]);
  assert.deepEqual((pos.colorscale as [number, string][]).at(-1), [1, "rgb(0,68,27)"]); // Greens
  const neg = trace(visualizeImageAttr(attr, null, { sign: "negative" }), "heatmap");
  assert.deepEqual(neg.z, [[0, 0.5], [0, 1]]);
  assert.deepEqual((neg.colorscale as [number, string][]).at(-1), [1, "rgb(103,0,13)"]); // Reds
});

Deno.test("`visualizeImageAttr()` blended heat map overlays the map at alphaOverlay on the grey image", () => {
  const fig = visualizeImageAttr(attr, image, { method: "blended_heat_map", alphaOverlay: 0.4 });
  assert.deepEqual(fig.data.map((d) => d.type), ["image", "heatmap"]);
  assert.equal(trace(fig, "heatmap").opacity, 0.4);
  // grey = image × 255 truncated [0, 127, 191, 255], stretched min..max to 0..255.
  const z = trace(fig, "image").z as number[][][];
  assert.deepEqual(z[0][1], [127, 127, 127]);
  assert.deepEqual(z[1][1], [255, 255, 255]);
});

Deno.test("`visualizeImageAttr()` masked image multiplies the image by the map; alpha scaling sets alpha", () => {
  const masked = trace(visualizeImageAttr(attr, image, { method: "masked_image" }), "image");
  // image255 [0, 127, 191, 255] × |map| [0.25, 0.5, 0.75, 1], truncated.
  assert.deepEqual((masked.z as number[][][]).flat().map((p) => p[0]), [0, 63, 143, 255]);
  const alpha = trace(
    visualizeImageAttr(attr, image, { method: "alpha_scaling", sign: "positive" }),
    "image",
  );
  assert.equal(alpha.colormodel, "rgba");
  // positive map [1/3, 0, 1, 0] → alpha trunc(v × 255) / 255.
  assert.deepEqual((alpha.z as number[][][]).flat().map((p) => p[3]), [85 / 255, 0, 1, 0]);
});

Deno.test("`visualizeImageAttr()` rejects sign all for masked_image and alpha_scaling, and a missing image", () => {
  for (const method of ["masked_image", "alpha_scaling"] as const) {
    assert.throws(
      () => visualizeImageAttr(attr, image, { method, sign: "all" }),
      (e: Error) =>
        e instanceof RangeError &&
        e.message.includes(`method "${method}" cannot show positive and negative`) &&
        e.message.includes(`Pass sign "positive", "negative" or "absolute_value"`),
    );
  }
  assert.throws(
    () => visualizeImageAttr(attr, null, { method: "blended_heat_map" }),
    /TypeError: Cannot visualize image attributions: method "blended_heat_map" needs the original image/,
  );
  assert.throws(() => visualizeImageAttr(attr, [[[0]]]), /image is 1×1 but attr is 2×2/);
  assert.throws(() => visualizeImageAttr([[[1, 2]], [[3]]] as never), /ragged/);
});

Deno.test("`visualizeImageAttr()` shows an all-zero map with a note instead of failing", () => {
  const fig = visualizeImageAttr([[[0], [0]], [[0], [0]]], image, {
    method: "blended_heat_map",
  });
  assert.deepEqual(trace(fig, "heatmap").z, [[0, 0], [0, 0]]);
  assert.match(titleText(fig), /all zero/);
  const onlyNegative = visualizeImageAttr([[[-1], [-2]], [[0], [-1]]], null, { sign: "positive" });
  assert.match(titleText(onlyNegative), /no non-zero attributions/);
});

Deno.test("`visualizeImageAttr()` reads tf.Tensor inputs ([1, H, W, C]) without leaking", () => {
  const a = tf.tensor4d([1, -2, 3, -4], [1, 2, 2, 1]);
  const before = tf.memory().numTensors;
  const fig = visualizeImageAttr(a, null, { sign: "all" });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(trace(fig, "heatmap").z, [[0.25, -0.5], [0.75, -1]]);
  a.dispose();
  assert.throws(() => visualizeImageAttr(a), /disposed tensor/);
});

Deno.test("`visualizeImageAttr()` PNG decodes to the panel size with the heat-map colours", () => {
  const png = pngOf(visualizeImageAttr(attr));
  // one 2×2 panel magnified ×112 to 224 px, plus an 8 px white border.
  assert.equal(png.width, 240);
  assert.equal(png.height, 240);
  assert.equal(png.channels, 4);
  const at = (x: number, y: number) =>
    Array.from(png.data.slice((y * 240 + x) * 4, (y * 240 + x) * 4 + 4));
  assert.deepEqual(at(20, 20), [198, 219, 239, 255]); // 0.25 on Blues = stop 2, #c6dbef
  assert.deepEqual(at(200, 200), [8, 48, 107, 255]); // 1 on Blues = #08306b
  assert.deepEqual(at(2, 2), [255, 255, 255, 255]); // border
});

Deno.test("`visualizeImageAttr()` takes a cmap by name (matplotlib's order) or as an array", () => {
  const rdbu = trace(visualizeImageAttr(attr, null, { sign: "all", cmap: "RdBu_r" }), "heatmap");
  assert.deepEqual((rdbu.colorscale as [number, string][])[0], [0, "rgb(5,48,97)"]);
  assert.deepEqual([rdbu.zmin, rdbu.zmax], [-1, 1]); // Captum's range for sign "all" stays
  const gray = visualizeImageAttr(attr, null, { cmap: "gray" });
  assert.deepEqual(trace(gray, "heatmap").colorscale, [[0, "rgb(0,0,0)"], [1, "rgb(255,255,255)"]]);
  // The PNG uses the same scale: |map| 0.25 on black→white is 64.
  assert.deepEqual(
    Array.from(pngOf(gray).data.slice((20 * 240 + 20) * 4, (20 * 240 + 20) * 4 + 3)),
    [
      64,
      64,
      64,
    ],
  );
  const custom = trace(
    visualizeImageAttr(attr, null, { cmap: [[0, "#fff"], [1, "#f00"]] }),
    "heatmap",
  );
  assert.deepEqual(custom.colorscale, [[0, "rgb(255,255,255)"], [1, "rgb(255,0,0)"]]);
  assert.throws(
    () => visualizeImageAttr(attr, null, { cmap: "Bluez" }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message.startsWith(
        'Cannot visualize image attributions: unknown colour scale "Bluez". Pass one of Blues, ',
      ),
  );
});

Deno.test("`visualizeImageAttr()` scale raw and { min, max } show attribution units", () => {
  const raw = trace(visualizeImageAttr(attr, null, { sign: "all", scale: "raw" }), "heatmap");
  assert.deepEqual(raw.z, [[1, -2], [3, -4]]); // channel sum, not divided
  assert.deepEqual([raw.zmin, raw.zmax], [-4, 4]); // ± Captum's outlier threshold
  assert.equal((raw.colorbar as { tickformat: string }).tickformat, ".2~g");
  assert.match(raw.hovertemplate as string, /attribution=%\{z:\.4~g\}/);
  const neg = trace(visualizeImageAttr(attr, null, { sign: "negative", scale: "raw" }), "heatmap");
  assert.deepEqual(neg.z, [[0, 2], [0, 4]]); // magnitudes of the negative values
  assert.deepEqual([neg.zmin, neg.zmax], [0, 4]);
  const fixed = visualizeImageAttr(attr, null, { sign: "all", scale: { min: -10, max: 10 } });
  assert.deepEqual([trace(fixed, "heatmap").zmin, trace(fixed, "heatmap").zmax], [-10, 10]);
  // 1 on −10..10 is t = 0.55 of red–white–green: white to green by 0.1 → (229.5, 242.3, 229.5),
  // and 0.1 is a hair over in floating point, so 229.5 rounds down.
  const png = pngOf(fixed);
  assert.deepEqual(Array.from(png.data.slice((20 * 240 + 20) * 4, (20 * 240 + 20) * 4 + 3)), [
    229,
    242,
    229,
  ]);
  // masked_image weighs pixels by value / max: image255 [0, 127, 191, 255] × [0.1, 0, 0.3, 0].
  const masked = visualizeImageAttr(attr, image, {
    method: "masked_image",
    sign: "positive",
    scale: { min: 0, max: 10 },
  });
  assert.deepEqual(
    (trace(masked, "image").z as number[][][]).flat().map((p) => p[0]),
    [0, 0, 57, 0],
  );
  assert.throws(
    () => visualizeImageAttr(attr, null, { scale: { min: 1, max: 1 } }),
    /RangeError: Cannot visualize image attributions: scale must have finite min < max, received \{"min":1,"max":1\}/,
  );
  assert.throws(
    () => visualizeImageAttr(attr, null, { scale: "shared" as never }),
    /scale must be "normalized", "raw" or \{ min, max \}, received "shared"/,
  );
});
