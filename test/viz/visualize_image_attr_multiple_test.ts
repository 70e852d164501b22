import assert from "node:assert/strict";
import { visualizeImageAttrMultiple } from "../../lib/mod.ts";
import { ATTR as attr, IMAGE as image, pngOf } from "../_helpers/figure_png.ts";

Deno.test("`visualizeImageAttrMultiple()` lays out one panel per method with its own axes", () => {
  const fig = visualizeImageAttrMultiple(
    attr,
    image,
    ["original_image", "heat_map", "blended_heat_map"],
    ["all", "absolute_value", "positive"],
  );
  assert.deepEqual(fig.data.map((d) => [d.type, d.xaxis]), [
    ["image", "x"],
    ["heatmap", "x2"],
    ["image", "x3"],
    ["heatmap", "x3"],
  ]);
  const titles = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
  assert.deepEqual(titles, [
    "Original image",
    "Heat map (absolute-value attributions)",
    "Blended heat map (positive attributions)",
  ]);
  assert.ok("xaxis3" in fig.layout && "yaxis3" in fig.layout);
  const png = pngOf(fig);
  assert.equal(png.width, 3 * 224 + 4 * 8);
  assert.throws(
    () => visualizeImageAttrMultiple(attr, image, ["heat_map"], ["all", "positive"]),
    /methods and signs must have the same length/,
  );
});

Deno.test("`visualizeImageAttrMultiple()` compares labeled explainers in one row", () => {
  const neg = attr.map((r) => r.map((p) => [-p[0]]));
  const fig = visualizeImageAttrMultiple(
    [{ attr, title: "Integrated Gradients" }, { attr: neg, title: "Saliency" }],
    image,
    ["heat_map"],
    ["all"],
  );
  const titles = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
  assert.deepEqual(titles, ["Integrated Gradients", "Saliency"]);
  assert.deepEqual(fig.data[1].z, [[-0.25, 0.5], [-0.75, 1]]);
  const grid = visualizeImageAttrMultiple(
    [{ attr, title: "IG" }, { attr: neg, title: "Saliency" }],
    image,
    ["original_image", "heat_map"],
    ["all", "all"],
  );
  assert.equal(grid.data.length, 4);
  assert.equal(pngOf(grid).height, 2 * 224 + 3 * 8);
});
