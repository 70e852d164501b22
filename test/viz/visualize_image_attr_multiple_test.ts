import assert from "node:assert/strict";
import { join } from "node:path";
import { figureHtml, visualizeImageAttrMultiple } from "../../lib/mod.ts";
import { locateChromium } from "../../scripts/notebook/find_tools.ts";
import { renderHtml } from "../../scripts/notebook/render_html.ts";
import { withTempDir } from "../_helpers/temp_dir.ts";
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

Deno.test("`visualizeImageAttrMultiple()` scale shared puts all panels on one range in attribution units", () => {
  const big = attr.map((r) => r.map((p) => [10 * p[0]]));
  const fig = visualizeImageAttrMultiple(
    [{ attr, title: "Small" }, { attr: big, title: "Big" }],
    null,
    ["heat_map"],
    ["all"],
    { scale: "shared", cmap: "RdBu_r" },
  );
  // Pooled |a| = [1, 2, 3, 4, 10, 20, 30, 40]: 98 % of the mass (107.8) is reached at 40.
  assert.deepEqual(fig.data.map((d) => [d.zmin, d.zmax]), [[-40, 40], [-40, 40]]);
  assert.deepEqual(fig.data.map((d) => d.z), [[[1, -2], [3, -4]], [[10, -20], [30, -40]]]);
  assert.deepEqual(fig.data.map((d) => (d.colorscale as [number, string][])[0]), [
    [0, "rgb(5,48,97)"],
    [0, "rgb(5,48,97)"],
  ]);
  // "raw" keeps each map's own range (the pictures of "normalized", in units).
  const raw = visualizeImageAttrMultiple(
    [{ attr, title: "Small" }, { attr: big, title: "Big" }],
    null,
    ["heat_map"],
    ["all"],
    { scale: "raw" },
  );
  assert.deepEqual(raw.data.map((d) => [d.zmin, d.zmax]), [[-4, 4], [-40, 40]]);
  const fixed = visualizeImageAttrMultiple(attr, image, ["heat_map", "heat_map"], [
    "all",
    "positive",
  ], { scale: { min: -5, max: 5 } });
  assert.deepEqual(fixed.data.map((d) => [d.zmin, d.zmax]), [[-5, 5], [-5, 5]]);
  assert.throws(
    () =>
      visualizeImageAttrMultiple(attr, image, ["heat_map"], ["all"], {
        scale: "absolute" as never,
      }),
    /scale must be "normalized", "raw", "shared" or \{ min, max \}, received "absolute"/,
  );
});

Deno.test("`visualizeImageAttrMultiple()` wraps notebook 05's long titles so they do not overlap", () => {
  // notebooks/src/05_primary_attribution.ts, `show(smoothIg, ...)`: the titles it passes.
  const method = "Integrated Gradients with SmoothGrad (NoiseTunnel)";
  const fig = visualizeImageAttrMultiple(
    attr,
    image,
    ["original_image", "heat_map", "blended_heat_map"],
    ["all", "all", "absolute_value"],
    {
      titles: ["Original image", `${method} (signed)`, `${method} (magnitude over image)`],
      title: `${method}: attributions for class "Ankle boot" on test image 0`,
    },
  );
  const annotations = fig.layout.annotations as {
    text: string;
    x: number;
    y: number;
    font: { size: number };
  }[];
  assert.deepEqual(annotations.map((a) => [a.text, a.font.size]), [
    ["Original image", 13],
    ["Integrated Gradients with SmoothGrad<br>(NoiseTunnel) (signed)", 13],
    ["Integrated Gradients with SmoothGrad<br>(NoiseTunnel) (magnitude over image)", 13],
  ]);
  // Cells: 240 px image + 56 px colour bar + 16 px gap; the plot area is 3 × 296 + 2 × 16 px.
  // Titles have two lines of room (42 px) above the images: the plot area is 282 px high.
  const plotW = 3 * 296 + 32;
  assert.deepEqual((fig.layout.xaxis2 as { domain: number[] }).domain, [312 / plotW, 552 / plotW]);
  assert.deepEqual((fig.layout.yaxis as { domain: number[] }).domain, [0, 240 / 282]);
  assert.equal(annotations[1].y, 240 / 282);
  assert.equal(fig.layout.height, 282 + 60 + 20);
  // Each line is narrower than the distance between title centres (the title budget, 280 px).
  const lines = annotations.flatMap((a) => a.text.split("<br>"));
  assert.ok(lines.every((l) => l.length <= 40), lines.join(" | "));
  // The figure title fits the figure's width in one line.
  assert.equal(
    (fig.layout.title as { text: string }).text,
    `${method}: attributions for class "Ankle boot" on test image 0`,
  );
  // Short titles stay on one line, and the title room stays one line.
  const short = visualizeImageAttrMultiple(attr, image, ["heat_map"], ["all"], {
    titles: ["IG"],
  });
  assert.equal((short.layout.yaxis as { domain: number[] }).domain[1], 1 - 24 / 264);
});

const chromium = await locateChromium();

Deno.test({
  name: "`visualizeImageAttrMultiple()` long titles render without overlapping (headless Chromium)",
  ignore: chromium === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir("titles-", async (dir) => {
      const method = "Integrated Gradients with SmoothGrad (NoiseTunnel)";
      const fig = visualizeImageAttrMultiple(
        attr,
        image,
        ["original_image", "heat_map", "blended_heat_map"],
        ["all", "all", "absolute_value"],
        {
          titles: ["Original image", `${method} (signed)`, `${method} (magnitude over image)`],
          title: `${method}: attributions for class "Ankle boot" on test image 0`,
        },
      );
      // After plotly.js draws, record the boxes of the panel titles, the figure title and the
      // plot area in a <pre> that the DOM dump carries back.
      const probe = `<script>
        const t = setInterval(() => {
          const svg = document.querySelector(".main-svg");
          const notes = document.querySelectorAll(".annotation");
          if (!svg || notes.length < 3) return;
          clearInterval(t);
          const box = (e) => { const r = e.getBoundingClientRect();
            return [r.left, r.top, r.right, r.bottom]; };
          const pre = document.createElement("pre");
          pre.id = "boxes";
          pre.textContent = JSON.stringify({ svg: box(svg), title: box(document.querySelector(".gtitle")),
            notes: [...notes].map(box), images: [...document.querySelectorAll(".imagelayer image, .hm image")].map(box) });
          document.body.appendChild(pre);
        }, 100);
      </script>`;
      const path = join(dir, "titles.html");
      await Deno.writeTextFile(path, figureHtml(fig).replace("</body>", `${probe}</body>`));
      const page = await renderHtml(path, { chromium, virtualTimeBudgetMs: 10000 });
      assert.deepEqual(page.errors, []);
      const json = page.dom.match(/<pre id="boxes">([^<]*)<\/pre>/)?.[1];
      assert.ok(json, "the probe found no drawn annotations");
      const boxes = JSON.parse(json.replaceAll("&quot;", '"')) as Record<string, number[][]> & {
        svg: number[];
        title: number[];
      };
      const [a, b, c] = boxes.notes;
      assert.ok(
        a[2] <= b[0] && b[2] <= c[0],
        `panel titles overlap: ${JSON.stringify(boxes.notes)}`,
      );
      for (const n of [...boxes.notes, boxes.title]) {
        assert.ok(n[0] >= boxes.svg[0] && n[2] <= boxes.svg[2], `a title leaves the figure: ${n}`);
        assert.ok(n[1] >= boxes.svg[1], `a title leaves the figure at the top: ${n}`);
      }
      // Titles sit above the images, below the figure title.
      const imageTop = Math.min(...boxes.images.map((r) => r[1]));
      for (const n of boxes.notes) {
        assert.ok(n[3] <= imageTop + 1 && n[1] >= boxes.title[3] - 1, `title box ${n}`);
      }
    }),
});
