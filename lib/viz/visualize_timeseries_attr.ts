/**
 * `visualizeTimeseriesAttr`: attributions of a multichannel time series as a Plotly figure
 * (Captum's `visualize_timeseries_attr`).
 *
 * @module
 */
import { type ArrayInput, toDense } from "./array_input.ts";
import {
  type ColorScaleInput,
  plotlyColorscale,
  resolveColorScale,
  sampleColor,
} from "./_colormaps.ts";
import { signColorScale } from "./_image_panel.ts";
import { lineColor } from "./_palette.ts";
import { Figure } from "./figure.ts";
import { normalizeAttr, VISUALIZE_SIGNS, type VisualizeSign } from "./normalize_attr.ts";
import type { PlotlyTrace } from "../display/figure_spec.ts";

/** How {@linkcode visualizeTimeseriesAttr} draws (Captum's `TimeseriesVisualizationMethod`). */
export type TimeseriesVisualizationMethod =
  | "overlay_individual"
  | "overlay_combined"
  | "colored_graph";

/** The accepted {@linkcode TimeseriesVisualizationMethod} values. */
export const TIMESERIES_VISUALIZATION_METHODS: readonly TimeseriesVisualizationMethod[] = [
  "overlay_individual",
  "overlay_combined",
  "colored_graph",
];

/** Options of {@linkcode visualizeTimeseriesAttr}. */
export interface VisualizeTimeseriesAttrOptions {
  /** The x coordinate of each time step (length N). @default 0, 1, …, N − 1 */
  xValues?: readonly number[];
  /**
   * `"overlay_individual"`: one panel per channel, its attributions as a heat band behind the
   * line. `"overlay_combined"`: every channel in one panel, behind them the attributions summed
   * over channels. `"colored_graph"`: one panel per channel, the line coloured by attribution.
   * @default "overlay_individual"
   */
  method?: TimeseriesVisualizationMethod;
  /**
   * Which attributions to show: `"all"` (red–white–green over −1..1), `"positive"` (Greens),
   * `"negative"` (Reds, as magnitudes) or `"absolute_value"` (Blues), 0..1.
   * @default "absolute_value"
   */
  sign?: VisualizeSign;
  /** A label per channel: y-axis titles, or legend entries for `"overlay_combined"`. @default none */
  channelLabels?: readonly string[];
  /** Whether `attr` and `data` are `[N, C]` (true) or `[C, N]` (false). @default true */
  channelsLast?: boolean;
  /**
   * Percentage of the total attribution mass treated as outliers (saturated); Captum's
   * cumulative-mass threshold over every channel together.
   * @default 2
   */
  outlierPerc?: number;
  /** Colour scale (a name, colours or Plotly pairs; see `colorScale`). @default Captum's per sign */
  cmap?: ColorScaleInput;
  /** Opacity of the heat bands of the overlay methods, 0..1. @default 0.7 */
  alphaOverlay?: number;
  /** Show a horizontal colour bar below the panels. @default false */
  showColorbar?: boolean;
  /** Figure title. @default none */
  title?: string;
  /** Figure width in pixels (Captum's `fig_size` 6 in at 100 dpi). @default 600 */
  width?: number;
  /** Figure height in pixels. @default 600 */
  height?: number;
  /** Plotly `line` properties of the series (Captum's `pyplot_kwargs`), e.g. `{ width: 3 }`. */
  line?: Record<string, unknown>;
}

/** matplotlib's "Dark2" (8 colours), the line colours of `"overlay_combined"`, as Captum's. */
const DARK2 = [
  "#1b9e77",
  "#d95f02",
  "#7570b3",
  "#e7298a",
  "#66a61e",
  "#e6ab02",
  "#a6761d",
  "#666666",
];

/** The colour levels a `"colored_graph"` line is split into (one trace per level used). */
const COLOR_LEVELS = 256;

const CONTEXT = "Cannot visualize timeseries attributions";

/**
 * Visualize the attributions of one multichannel time series as a Plotly figure, with Captum's
 * normalization (sign selection, cumulative-mass outlier threshold over all channels, clip to
 * [−1, 1]) and default colour scales. Channels are stacked panels sharing the x axis. An
 * all-zero map displays as zeros with a note in the title (Captum raises an error there).
 *
 * @example
 * ```ts
 * import { visualizeTimeseriesAttr } from "../mod.ts";
 * const data = [[0, 1], [1, 0.5], [2, 0], [1, -0.5]]; // [N = 4, C = 2]
 * const attr = [[0.1, 0], [0.8, -0.2], [0.3, 0.1], [0, 0.5]];
 * const fig = visualizeTimeseriesAttr(attr, data, {
 *   method: "overlay_individual", sign: "all", channelLabels: ["a", "b"], showColorbar: true,
 * });
 * fig; // as a notebook cell's value, this shows the figure
 * ```
 *
 * @param attr attributions `[N, C]` (or `[C, N]` with `channelsLast: false`): a `tf.Tensor`
 *   (read, not disposed), nested arrays or `{ data, shape }`.
 * @param data the series, of the same shape.
 * @throws {TypeError} for arrays that are not 2-D or differ in shape, or `xValues` or
 *   `channelLabels` of the wrong length.
 * @throws {RangeError} for an unknown method, sign or colour scale, outlierPerc outside
 *   0..100, alphaOverlay outside 0..1, or a size that is not positive.
 */
export function visualizeTimeseriesAttr(
  attr: ArrayInput,
  data: ArrayInput,
  options: VisualizeTimeseriesAttrOptions = {},
): Figure {
  const {
    method = "overlay_individual",
    sign = "absolute_value",
    channelsLast = true,
    outlierPerc = 2,
    alphaOverlay = 0.7,
    showColorbar = false,
    width = 600,
    height = 600,
  } = options;
  checkOptions(method, sign, alphaOverlay, width, height);
  const a = channelsFirst(toDense(attr, CONTEXT, "attr"), channelsLast, "attr");
  const d = channelsFirst(toDense(data, CONTEXT, "data"), channelsLast, "data");
  if (a.channels !== d.channels || a.length !== d.length) {
    throw new TypeError(
      `${CONTEXT}: attr and data must have the same shape, received attr ` +
        `[${a.shape.join(", ")}] and data [${d.shape.join(", ")}]. Pass the attributions of ` +
        `this series.`,
    );
  }
  const { channels: c, length: n } = a;
  const x = xValuesOf(options.xValues, n);
  const labels = options.channelLabels;
  if (labels !== undefined && labels.length !== c) {
    throw new TypeError(
      `${CONTEXT}: channelLabels must have one label per channel (${c}), received ` +
        `${labels.length}. Pass ${c} labels.`,
    );
  }
  const combined = method === "overlay_combined";
  let values = a.rows;
  if (combined) {
    const sum = new Float64Array(n);
    for (const row of a.rows) for (let t = 0; t < n; t++) sum[t] += row[t];
    values = [sum];
  }
  const flat = new Float64Array(values.length * n);
  values.forEach((row, i) => flat.set(row, i * n));
  const norm = normalizeAttr(flat, [values.length, n], { sign, outlierPerc });
  const normRows = values.map((_, i) => Array.from(norm.values.subarray(i * n, (i + 1) * n)));
  const defaults = signColorScale(sign);
  const scale = options.cmap === undefined
    ? defaults.scale
    : resolveColorScale(options.cmap, CONTEXT);
  const { zmin, zmax } = defaults;
  const colorscale = plotlyColorscale(scale);
  const panels = combined ? 1 : c;
  const traces: PlotlyTrace[] = [];
  const colorbar = {
    orientation: "h",
    x: 0.5,
    xanchor: "center",
    y: -0.08,
    yanchor: "top",
    thickness: 12,
    len: 1,
  };
  const band = (row: number[], panel: number, lo: number, hi: number): PlotlyTrace => ({
    type: "heatmap",
    x,
    y: [lo, hi],
    z: [row],
    zmin,
    zmax,
    colorscale,
    opacity: alphaOverlay,
    showscale: showColorbar && panel === 0,
    ...(showColorbar && panel === 0 && { colorbar }),
    hovertemplate: "x=%{x}<br>attribution=%{z:.3f}<extra></extra>",
    xaxis: axisId("x", panel),
    yaxis: axisId("y", panel),
  });
  const ranges: [number, number][] = [];
  if (combined) {
    const [lo, hi] = paddedRange(d.rows.flatMap((r) => Array.from(r)));
    ranges.push([lo, hi]);
    traces.push(band(normRows[0], 0, lo, hi));
    d.rows.forEach((row, ch) =>
      traces.push({
        type: "scatter",
        mode: "lines",
        x,
        y: Array.from(row),
        name: labels?.[ch] ?? `channel ${ch}`,
        line: { color: DARK2[ch % DARK2.length], ...options.line },
        showlegend: labels !== undefined,
        xaxis: "x",
        yaxis: "y",
      })
    );
  } else {
    d.rows.forEach((row, ch) => {
      const ys = Array.from(row);
      if (method === "overlay_individual") {
        const [lo, hi] = paddedRange(ys);
        ranges.push([lo, hi]);
        traces.push(band(normRows[ch], ch, lo, hi));
        traces.push({
          type: "scatter",
          mode: "lines",
          x,
          y: ys,
          name: labels?.[ch] ?? `channel ${ch}`,
          line: { color: lineColor(0), ...options.line },
          showlegend: false,
          xaxis: axisId("x", ch),
          yaxis: axisId("y", ch),
        });
      } else {
        // Captum's colored_graph: y limits 1.2 × min and 1.2 × max of the channel.
        ranges.push([1.2 * Math.min(...ys), 1.2 * Math.max(...ys)]);
        traces.push(...coloredSegments(x, ys, normRows[ch], ch, scale, zmin, zmax, options.line));
      }
    });
    if (method === "colored_graph" && showColorbar) {
      traces.push({
        type: "scatter",
        mode: "markers",
        x: [x[0]],
        y: [d.rows[0][0]],
        marker: {
          size: 0,
          opacity: 0,
          color: [zmin],
          cmin: zmin,
          cmax: zmax,
          colorscale,
          showscale: true,
          colorbar,
        },
        hoverinfo: "skip",
        showlegend: false,
        xaxis: "x",
        yaxis: "y",
      });
    }
  }
  const zeroNote = norm.threshold === 0 ? " (all zero: no attributions of this sign)" : "";
  const titleText = (options.title ?? "") + zeroNote;
  const layout: Record<string, unknown> = {
    width,
    height,
    margin: { l: 70, r: 20, t: titleText === "" ? 20 : 50, b: showColorbar ? 90 : 40 },
    plot_bgcolor: "white",
    paper_bgcolor: "white",
    showlegend: combined && labels !== undefined,
  };
  if (titleText !== "") layout.title = { text: titleText.trim(), x: 0.5 };
  for (let p = 0; p < panels; p++) {
    const top = 1 - p / panels;
    const bottom = 1 - (p + 1) / panels;
    layout[axisKey("x", p)] = {
      domain: [0, 1],
      range: [x[0], x[n - 1]],
      anchor: axisId("y", p),
      showticklabels: p === panels - 1,
      showline: true,
      linecolor: "#444",
      mirror: true,
      ...(p > 0 && { matches: "x" }),
    };
    layout[axisKey("y", p)] = {
      domain: [bottom, top],
      range: ranges[p],
      anchor: axisId("x", p),
      showline: true,
      linecolor: "#444",
      mirror: true,
      zeroline: false,
      ...(labels !== undefined && !combined && { title: { text: labels[p] } }),
    };
  }
  return new Figure({
    data: traces,
    layout,
    description: `Plotly figure: ${options.title ?? "timeseries attributions"} (${method}, ` +
      `${c} channel${c === 1 ? "" : "s"} × ${n} steps)${zeroNote}`,
  });
}

/** Validate the enumerated and numeric options. */
function checkOptions(
  method: unknown,
  sign: unknown,
  alphaOverlay: number,
  width: number,
  height: number,
): void {
  if (!TIMESERIES_VISUALIZATION_METHODS.includes(method as TimeseriesVisualizationMethod)) {
    throw new RangeError(
      `${CONTEXT}: method must be one of ` +
        `${TIMESERIES_VISUALIZATION_METHODS.map((m) => `"${m}"`).join(", ")}, received ` +
        `${JSON.stringify(method)}. Pick one of the listed methods.`,
    );
  }
  if (!VISUALIZE_SIGNS.includes(sign as VisualizeSign)) {
    throw new RangeError(
      `${CONTEXT}: sign must be one of ${VISUALIZE_SIGNS.map((s) => `"${s}"`).join(", ")}, ` +
        `received ${JSON.stringify(sign)}. Pick one of the listed signs.`,
    );
  }
  if (!(alphaOverlay >= 0 && alphaOverlay <= 1)) {
    throw new RangeError(
      `${CONTEXT}: alphaOverlay must be within 0..1, received ${alphaOverlay}. Pass e.g. 0.7.`,
    );
  }
  for (const [name, v] of [["width", width], ["height", height]] as const) {
    if (!(v > 0)) {
      throw new RangeError(
        `${CONTEXT}: ${name} must be a positive number of pixels, received ${v}. Pass e.g. 600.`,
      );
    }
  }
}

/** A 2-D array as channel rows: `[C][N]`. */
function channelsFirst(
  dense: { data: Float64Array; shape: number[] },
  channelsLast: boolean,
  name: string,
): { rows: Float64Array[]; channels: number; length: number; shape: number[] } {
  const { data, shape } = dense;
  if (shape.length !== 2) {
    throw new TypeError(
      `${CONTEXT}: ${name} must be 2-D, [N, C] (or [C, N] with channelsLast: false), received ` +
        `shape [${shape.join(", ")}]. Pick one example, e.g. ${name}[0] of a batch.`,
    );
  }
  const [channels, length] = channelsLast ? [shape[1], shape[0]] : [shape[0], shape[1]];
  const rows = Array.from({ length: channels }, (_, ch) => {
    const row = new Float64Array(length);
    for (let t = 0; t < length; t++) {
      row[t] = channelsLast ? data[t * channels + ch] : data[ch * length + t];
    }
    return row;
  });
  return { rows, channels, length, shape };
}

/** `xValues` validated, or 0..n−1. */
function xValuesOf(xValues: readonly number[] | undefined, n: number): number[] {
  if (xValues === undefined) return Array.from({ length: n }, (_, i) => i);
  if (!Array.isArray(xValues) || xValues.length !== n) {
    throw new TypeError(
      `${CONTEXT}: xValues must have one value per time step (${n}), received ` +
        `${Array.isArray(xValues) ? `${xValues.length} values` : typeof xValues}. ` +
        `Pass ${n} x coordinates.`,
    );
  }
  return [...xValues];
}

/** min..max with matplotlib's default 5% margins (±0.5 for a constant series). */
function paddedRange(values: readonly number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
  return [lo - pad, hi + pad];
}

/** The Plotly axis id of panel `p`: "x", "x2", … */
function axisId(axis: "x" | "y", p: number): string {
  return p === 0 ? axis : `${axis}${p + 1}`;
}

/** The layout key of panel `p`'s axis: "xaxis", "xaxis2", … */
function axisKey(axis: "x" | "y", p: number): string {
  return p === 0 ? `${axis}axis` : `${axis}axis${p + 1}`;
}

/**
 * A line whose segment i (from point i to i + 1) has the colour of `values[i]` (matplotlib's
 * LineCollection with `set_array`): the segments grouped by colour, one trace per colour, gaps
 * (null) between segments.
 */
function coloredSegments(
  x: readonly number[],
  y: readonly number[],
  values: readonly number[],
  panel: number,
  scale: ReturnType<typeof resolveColorScale>,
  zmin: number,
  zmax: number,
  line: Record<string, unknown> | undefined,
): PlotlyTrace[] {
  const groups = new Map<number, { xs: (number | null)[]; ys: (number | null)[] }>();
  for (let i = 0; i + 1 < x.length; i++) {
    const t = (values[i] - zmin) / (zmax - zmin);
    const level = Math.round(Math.min(1, Math.max(0, t)) * (COLOR_LEVELS - 1));
    let g = groups.get(level);
    if (g === undefined) groups.set(level, g = { xs: [], ys: [] });
    g.xs.push(x[i], x[i + 1], null);
    g.ys.push(y[i], y[i + 1], null);
  }
  return [...groups.entries()].sort((p, q) => p[0] - q[0]).map(([level, g]) => {
    const [r, gr, b] = sampleColor(scale, level / (COLOR_LEVELS - 1));
    return {
      type: "scatter",
      mode: "lines",
      x: g.xs,
      y: g.ys,
      connectgaps: false,
      line: { color: `rgb(${r},${gr},${b})`, ...line },
      hoverinfo: "skip",
      showlegend: false,
      xaxis: axisId("x", panel),
      yaxis: axisId("y", panel),
    };
  });
}
