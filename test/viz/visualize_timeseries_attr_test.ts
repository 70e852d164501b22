import assert from "node:assert/strict";
import { type PlotlyTrace, tf, visualizeTimeseriesAttr } from "../../lib/mod.ts";

// [N = 4, C = 2]: channel 0 attributions 1, 2, 3, 4 (sum 10); channel 1 −1, 0, 0, 0.
const ATTR = [[1, -1], [2, 0], [3, 0], [4, 0]];
const DATA = [[0, 5], [1, 6], [2, 7], [3, 8]];

function traces(fig: { data: PlotlyTrace[] }, type: string): PlotlyTrace[] {
  return fig.data.filter((d) => d.type === type);
}

Deno.test("`visualizeTimeseriesAttr()` overlay_individual: one panel per channel, a heat band under each line", () => {
  const fig = visualizeTimeseriesAttr(ATTR, DATA, { channelLabels: ["a", "b"] });
  const bands = traces(fig, "heatmap");
  const lines = traces(fig, "scatter");
  assert.equal(bands.length, 2);
  assert.equal(lines.length, 2);
  // Heat bands come first, so lines draw on top; each on its own panel's axes.
  assert.deepEqual(fig.data.map((d) => [d.type, d.yaxis]), [
    ["heatmap", "y"],
    ["scatter", "y"],
    ["heatmap", "y2"],
    ["scatter", "y2"],
  ]);
  // absolute_value, outlierPerc 2 over all channels: |a| sorted 0,0,0,1,1,2,3,4 (sum 11);
  // 98% of 11 is reached at 4, so values are |a| / 4.
  assert.deepEqual(bands[0].z, [[0.25, 0.5, 0.75, 1]]);
  assert.deepEqual(bands[1].z, [[0.25, 0, 0, 0]]);
  assert.deepEqual([bands[0].zmin, bands[0].zmax, bands[0].opacity], [0, 1, 0.7]);
  assert.deepEqual((bands[0].colorscale as [number, string][]).at(-1), [1, "rgb(8,48,107)"]); // Blues
  assert.deepEqual(lines[1].y, [5, 6, 7, 8]);
  assert.deepEqual(lines[0].x, [0, 1, 2, 3]);
  // Shared x axis, labels on the bottom panel only; y titles are the channel labels.
  const layout = fig.layout as Record<string, Record<string, unknown>>;
  assert.equal(layout.xaxis2.matches, "x");
  assert.deepEqual([layout.xaxis.showticklabels, layout.xaxis2.showticklabels], [false, true]);
  assert.deepEqual(layout.xaxis.range, [0, 3]);
  assert.deepEqual((layout.yaxis.title as { text: string }).text, "a");
  assert.deepEqual([layout.yaxis.domain, layout.yaxis2.domain], [[0.5, 1], [0, 0.5]]);
  assert.deepEqual([fig.layout.width, fig.layout.height], [600, 600]);
});

Deno.test("`visualizeTimeseriesAttr()` overlay_combined: one panel, Dark2 lines, band of the channel sum", () => {
  const fig = visualizeTimeseriesAttr(ATTR, DATA, {
    method: "overlay_combined",
    sign: "all",
    channelLabels: ["a", "b"],
    xValues: [10, 20, 30, 40],
  });
  const [band] = traces(fig, "heatmap");
  // Channel sums 0, 2, 3, 4 (sum 9); 98% of 9 is reached at 4.
  assert.deepEqual(band.z, [[0, 0.5, 0.75, 1]]);
  assert.deepEqual([band.zmin, band.zmax], [-1, 1]);
  assert.deepEqual(band.x, [10, 20, 30, 40]);
  const lines = traces(fig, "scatter");
  assert.deepEqual(lines.map((l) => (l.line as { color: string }).color), ["#1b9e77", "#d95f02"]);
  assert.deepEqual(lines.map((l) => l.name), ["a", "b"]);
  assert.equal(fig.layout.showlegend, true);
  assert.equal((fig.layout as Record<string, unknown>).yaxis2, undefined);
});

Deno.test("`visualizeTimeseriesAttr()` colored_graph colours each segment by its attribution", () => {
  const fig = visualizeTimeseriesAttr(ATTR, DATA, {
    method: "colored_graph",
    cmap: ["white", "black"],
    showColorbar: true,
  });
  assert.equal(traces(fig, "heatmap").length, 0);
  const panel0 = fig.data.filter((d) => d.yaxis === "y" && d.mode === "lines");
  // Segments 0→1, 1→2, 2→3 take values 0.25, 0.5, 0.75: three grey levels, light to dark.
  assert.deepEqual(panel0.map((t) => t.x), [[0, 1, null], [1, 2, null], [2, 3, null]]);
  const greys = panel0.map((t) =>
    Number(/rgb\((\d+)/.exec((t.line as { color: string }).color)![1])
  );
  assert.ok(greys[0] > greys[1] && greys[1] > greys[2], `greys ${greys}`);
  // Captum's y limits: 1.2 × min, 1.2 × max.
  assert.deepEqual((fig.layout as Record<string, Record<string, unknown>>).yaxis2.range, [6, 9.6]);
  const bar = fig.data.find((d) => d.mode === "markers")!;
  assert.equal((bar.marker as { showscale: boolean }).showscale, true);
});

Deno.test("`visualizeTimeseriesAttr()` reads tensors [C, N] with channelsLast false and notes an all-zero map", () => {
  const attr = tf.tensor2d([[0, 0, 0]]);
  const data = tf.tensor2d([[1, 2, 3]]);
  const fig = visualizeTimeseriesAttr(attr, data, { channelsLast: false, title: "Zero" });
  assert.deepEqual(traces(fig, "heatmap")[0].z, [[0, 0, 0]]);
  assert.match((fig.layout.title as { text: string }).text, /^Zero \(all zero/);
  assert.equal(attr.isDisposed, false);
  tf.dispose([attr, data]);
});

Deno.test("`visualizeTimeseriesAttr()` errors name the argument, the value and the fix", () => {
  assert.throws(
    () => visualizeTimeseriesAttr([1, 2], [1, 2]),
    /^TypeError: Cannot visualize timeseries attributions: attr must be 2-D, \[N, C\] .*received shape \[2\]/,
  );
  assert.throws(
    () => visualizeTimeseriesAttr(ATTR, [[1, 2]]),
    /^TypeError: .*attr and data must have the same shape, received attr \[4, 2\] and data \[1, 2\]/,
  );
  assert.throws(
    () => visualizeTimeseriesAttr(ATTR, DATA, { method: "heat_map" as never }),
    /^RangeError: .*method must be one of "overlay_individual", "overlay_combined", "colored_graph", received "heat_map"/,
  );
  assert.throws(
    () => visualizeTimeseriesAttr(ATTR, DATA, { xValues: [1, 2] }),
    /xValues must have one value per time step \(4\), received 2 values\. Pass 4 x coordinates\./,
  );
  assert.throws(
    () => visualizeTimeseriesAttr(ATTR, DATA, { channelLabels: ["a"] }),
    /channelLabels must have one label per channel \(2\), received 1\. Pass 2 labels\./,
  );
  assert.throws(
    () => visualizeTimeseriesAttr(ATTR, DATA, { alphaOverlay: 2 }),
    /^RangeError: .*alphaOverlay must be within 0\.\.1, received 2/,
  );
  assert.throws(
    () => visualizeTimeseriesAttr(ATTR, DATA, { cmap: "nope" }),
    /unknown colour scale "nope"/,
  );
  assert.throws(
    () => visualizeTimeseriesAttr(ATTR, DATA, { outlierPerc: 200 }),
    /outlierPerc must be/,
  );
});
