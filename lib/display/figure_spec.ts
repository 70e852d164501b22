/**
 * The data of a figure, as the display layer sends it and the figure builders produce it: Plotly's
 * JSON (`data`, `layout`, `config`) and an optional RGBA raster for `image/png`. Both `lib/viz/`
 * and `lib/display/` depend on these types; this module depends on nothing.
 *
 * @module
 */

/** One Plotly trace, e.g. `{ type: "heatmap", z: [[1, 2]] }`. */
export interface PlotlyTrace {
  type: string;
  [key: string]: unknown;
}

/** A Plotly layout object (`title`, `xaxis`, `annotations`, `width`, …). */
export type PlotlyLayout = Record<string, unknown>;

/** A Plotly config object (`responsive`, `displaylogo`, …). */
export type PlotlyConfig = Record<string, unknown>;

/** The plain JSON form of a figure: what `Plotly.newPlot(div, data, layout, config)` takes. */
export interface FigureSpec {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  config: PlotlyConfig;
}

/** An RGBA image: `width * height * 4` bytes, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
