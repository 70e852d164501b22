/**
 * `visualizeImageAttr`: one attribution map as a Plotly figure (Captum's
 * `visualize_image_attr`).
 *
 * @module
 */
import type { ArrayInput } from "./array_input.ts";
import { attrGridFigure, drawIntoSubplot, gridOptions } from "./_attr_grid.ts";
import type { ColorScaleInput } from "./_colormaps.ts";
import type { SubplotTarget } from "./make_subplots.ts";
import { type ImageVisualizationMethod, panelTitle } from "./_image_panel.ts";
import type { Figure } from "./figure.ts";
import type { VisualizeSign } from "./normalize_attr.ts";

/** A fixed colour range, in attribution units. */
export interface AttrRange {
  min: number;
  max: number;
}

/** How attribution values map to colours: see {@linkcode VisualizeImageAttrOptions.scale}. */
export type AttrScale = "normalized" | "raw" | AttrRange;

/** Options of {@linkcode visualizeImageAttr}. */
export interface VisualizeImageAttrOptions {
  /**
   * How to draw: `"heat_map"`, `"blended_heat_map"` (heat map over the greyscale image),
   * `"original_image"`, `"masked_image"` (image × map) or `"alpha_scaling"` (map as alpha).
   * @default "heat_map"
   */
  method?: ImageVisualizationMethod;
  /**
   * Which attributions to show: `"all"` (signed, red–white–green over −1..1), `"positive"`
   * (Greens), `"negative"` (Reds, as magnitudes) or `"absolute_value"` (Blues), 0..1.
   * `"masked_image"` and `"alpha_scaling"` reject `"all"`.
   * @default "absolute_value"
   */
  sign?: VisualizeSign;
  /**
   * Percentage of the total attribution mass treated as outliers (saturated at 1); Captum's
   * cumulative-mass threshold.
   * @default 2
   */
  outlierPerc?: number;
  /**
   * Colour scale of the heat map (Captum's `cmap`): a name, matplotlib's or Plotly's,
   * case-insensitive, `_r` reverses (e.g. `"RdBu_r"`, `"coolwarm"`, `"bwr"`, `"Blues"`,
   * `"Greens"`, `"Reds"`, `"viridis"`, `"gray"`; see `COLOR_SCALE_NAMES`), a list of colours
   * spaced evenly (`["white", "#08306b"]`) or Plotly's `[[0, colour], …, [1, colour]]`. Names
   * known to both libraries run in matplotlib's order (low to high as Captum draws them).
   * @default Captum's per sign: red–white–green for "all", Greens, Reds, Blues
   */
  cmap?: ColorScaleInput;
  /**
   * How values map to colours. `"normalized"`: Captum's, the map divided by its outlier
   * threshold and clipped to −1..1 (0..1 for one sign). `"raw"`: the same picture with the
   * colour bar in attribution units (the channel-summed map, range ±threshold). `{ min, max }`:
   * attribution units on a fixed range, to compare maps in absolute terms (values outside
   * saturate; `"masked_image"` and `"alpha_scaling"` weigh pixels by value / max).
   * @default "normalized"
   */
  scale?: AttrScale;
  /**
   * Draw into a cell of a figure from `makeSubplots` (Captum's `plt_fig_axis`) instead of a new
   * figure: returns that figure with the panel added, titled `title` (wrapped to the cell).
   * `panelSize`, `width` and `height` are then the grid's.
   * @default a new figure
   */
  into?: SubplotTarget;
  /** Opacity of the heat map in `"blended_heat_map"` panels. @default 0.5 */
  alphaOverlay?: number;
  /** Show a colour bar next to heat maps. @default true */
  showColorbar?: boolean;
  /** Figure title. @default the method and sign, e.g. "Heat map (absolute-value attributions)" */
  title?: string;
  /** Side of the image in pixels (the longer side). @default 320 */
  panelSize?: number;
  /** Figure width in pixels. @default fitted to the panels */
  width?: number;
  /** Figure height in pixels. @default fitted to the panels */
  height?: number;
}

/**
 * Visualize an attribution map for one image as a Plotly figure, with Captum's normalization
 * (channel sum, sign selection, cumulative-mass outlier threshold, clip to [−1, 1]) and default
 * colour scales. The figure also carries a PNG rendering. An all-zero map displays as zeros
 * with a note in the title (Captum raises an error there).
 *
 * @example
 * ```ts
 * import { visualizeImageAttr } from "../mod.ts";
 * const attr = [[[0.1], [0.5]], [[-0.2], [0.9]]]; // [H=2, W=2, C=1]
 * const image = [[[0.0], [0.5]], [[0.7], [1.0]]];
 * const fig = visualizeImageAttr(attr, image, { method: "blended_heat_map", sign: "all" });
 * fig; // as a notebook cell's value, this shows the figure
 * // another colour scale, and the colour bar in attribution units on a fixed range:
 * visualizeImageAttr(attr, null, { sign: "all", cmap: "RdBu_r", scale: { min: -1, max: 1 } });
 * ```
 *
 * To draw into a cell of a larger figure, see `makeSubplots`.
 *
 * @param attr attributions, `[H, W, C]`, `[1, H, W, C]` or `[H, W]` (a `tf.Tensor`, nested
 *   arrays or `{ data, shape }`); tensors are read, not disposed.
 * @param image the input image with the same height and width (0..1 or 0..255, 1 or 3
 *   channels); required by every method except `"heat_map"`. Pass `null` to omit it.
 * @throws {RangeError} for an unknown method, sign or colour scale name, sign "all" with
 *   masked_image or alpha_scaling, outlierPerc outside 0..100, a scale without min < max, or
 *   an `into` cell outside the grid or already drawn.
 * @throws {TypeError} for bad shapes, a missing image, or an `into.figure` without a grid.
 */
export function visualizeImageAttr(
  attr: ArrayInput,
  image?: ArrayInput | null,
  options: VisualizeImageAttrOptions = {},
): Figure {
  const { method = "heat_map", sign = "absolute_value", panelSize = 320 } = options;
  const title = options.title ?? panelTitle(method, sign);
  const context = "Cannot visualize image attributions";
  const usesHeat = method === "heat_map" || method === "blended_heat_map";
  const grid = gridOptions(options, title, panelSize, usesHeat);
  if (options.into !== undefined) {
    return drawIntoSubplot(
      options.into,
      attr,
      image,
      { method, sign, title },
      grid,
      context,
    );
  }
  return attrGridFigure(
    [attr],
    image,
    [{ attrIndex: 0, method, sign, title, row: 0, col: 0 }],
    1,
    1,
    grid,
    context,
    false,
  );
}

export { IMAGE_VISUALIZATION_METHODS } from "./_image_panel.ts";
export type { ImageVisualizationMethod } from "./_image_panel.ts";
