/**
 * Colour scales by name (matplotlib's and Plotly's) as Plotly `colorscale` arrays: what the
 * `cmap` option of the attribution visualizations accepts.
 *
 * @module
 */
import { type ColorScaleInput, plotlyColorscale, resolveColorScale } from "./_colormaps.ts";

export { COLOR_SCALE_NAMES } from "./_colormaps.ts";
export type { ColorScaleInput } from "./_colormaps.ts";

/**
 * The Plotly `colorscale` array (`[[position, "rgb(r,g,b)"], …]`) of a colour-scale name
 * (case-insensitive, `_r` reverses; see {@linkcode COLOR_SCALE_NAMES}), a list of colours
 * spaced evenly, or Plotly `[position, colour]` pairs. Names that matplotlib and plotly.js both
 * know ("Blues", "RdBu", …) run in matplotlib's order, as Captum draws them.
 *
 * @example
 * ```ts
 * import { colorScale } from "../mod.ts";
 * colorScale("bwr"); // [[0, "rgb(0,0,255)"], [0.5, "rgb(255,255,255)"], [1, "rgb(255,0,0)"]]
 * colorScale(["white", "#08306b"]); // [[0, "rgb(255,255,255)"], [1, "rgb(8,48,107)"]]
 * ```
 *
 * @throws {RangeError} for an unknown name (the message lists the valid ones) or a colour or
 *   position it cannot read.
 * @throws {TypeError} for something that is neither a name nor an array of colours.
 */
export function colorScale(input: ColorScaleInput): [number, string][] {
  return plotlyColorscale(resolveColorScale(input, "Cannot resolve the colour scale"));
}
