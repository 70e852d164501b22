/**
 * `visualizeImageAttrMultiple`: several views of attribution maps side by side (Captum's
 * `visualize_image_attr_multiple`), or the same views for several explainers.
 *
 * @module
 */
import type { ArrayInput } from "./array_input.ts";
import { attrGridFigure, gridOptions, type PanelSpec } from "./_attr_grid.ts";
import { type ImageVisualizationMethod, panelTitle } from "./_image_panel.ts";
import type { Figure } from "./figure.ts";
import type { VisualizeSign } from "./normalize_attr.ts";
import type { ColorScaleInput } from "./_colormaps.ts";
import type { AttrRange, VisualizeImageAttrOptions } from "./visualize_image_attr.ts";

/** An attribution map with a label, e.g. `{ attr: igAttr, title: "Integrated Gradients" }`. */
export interface LabeledAttr {
  attr: ArrayInput;
  title: string;
}

/**
 * Options of {@linkcode visualizeImageAttrMultiple}: the heat-map overlay, colour bars and figure
 * size as {@linkcode visualizeImageAttr}'s, applied to every panel.
 */
export interface VisualizeImageAttrMultipleOptions
  extends Pick<VisualizeImageAttrOptions, "alphaOverlay" | "showColorbar" | "width" | "height"> {
  /** One title per method (column). @default the method and sign of each panel */
  titles?: readonly string[];
  /** Outlier percentage of Captum's cumulative-mass threshold (per panel). @default 2 */
  outlierPerc?: number;
  /**
   * Colour scale of every heat-map panel (Captum's `cmap`); see `visualizeImageAttr`.
   * @default Captum's per sign
   */
  cmap?: ColorScaleInput;
  /**
   * How values map to colours. `"normalized"`: Captum's, each map on its own scale (compare
   * shapes, not magnitudes). `"raw"`: the same, colour bars in attribution units. `"shared"`:
   * attribution units on one range for all panels, ±(Captum's outlier threshold of all the
   * maps pooled), so that panels compare in absolute terms. `{ min, max }`: one fixed range.
   * @default "normalized"
   */
  scale?: "normalized" | "raw" | "shared" | AttrRange;
  /**
   * Figure title.
   * @default "Attributions: " + the methods, or "Attributions by explainer" for a comparison
   */
  title?: string;
  /** Side of each panel in pixels (the longer side). @default 240 */
  panelSize?: number;
}

function isLabeledList(x: unknown): x is readonly LabeledAttr[] {
  return Array.isArray(x) && x.length > 0 && typeof x[0] === "object" && x[0] !== null &&
    !Array.isArray(x[0]) && "attr" in x[0];
}

/**
 * Several visualizations side by side, one per `(methods[i], signs[i])` pair, e.g. the original
 * image, a heat map and a blended heat map.
 *
 * `attr` may also be a list of labeled maps (`{ attr, title }`) to compare explainers on the same
 * image: with one method, one row with a panel per explainer; with several methods, one row per
 * explainer and one column per method.
 *
 * @example
 * ```ts
 * import { visualizeImageAttrMultiple } from "../mod.ts";
 * const attr = [[[0.1], [0.5]], [[-0.2], [0.9]]];
 * const image = [[[0.0], [0.5]], [[0.7], [1.0]]];
 * visualizeImageAttrMultiple(attr, image, ["original_image", "heat_map", "blended_heat_map"],
 *   ["all", "absolute_value", "positive"]);
 * // compare explainers in one row:
 * visualizeImageAttrMultiple(
 *   [{ attr, title: "Integrated Gradients" }, { attr, title: "Saliency" }],
 *   image, ["blended_heat_map"], ["all"]);
 * // the same on one colour range in attribution units, with a diverging matplotlib scale:
 * visualizeImageAttrMultiple(
 *   [{ attr, title: "Integrated Gradients" }, { attr, title: "Saliency" }],
 *   image, ["heat_map"], ["all"], { scale: "shared", cmap: "RdBu_r" });
 * ```
 *
 * @throws {TypeError} if `methods` and `signs` differ in length or are empty, or for bad shapes.
 * @throws {RangeError} for an unknown method, sign, colour scale or scale (see
 *   `visualizeImageAttr`).
 */
export function visualizeImageAttrMultiple(
  attr: ArrayInput | readonly LabeledAttr[],
  image: ArrayInput | null | undefined,
  methods: readonly ImageVisualizationMethod[],
  signs: readonly VisualizeSign[],
  options: VisualizeImageAttrMultipleOptions = {},
): Figure {
  const context = "Cannot visualize multiple image attributions";
  if (!Array.isArray(methods) || !Array.isArray(signs) || methods.length === 0) {
    throw new TypeError(
      `${context}: methods and signs must be non-empty arrays, received ${
        JSON.stringify(methods)
      } and ${JSON.stringify(signs)}.`,
    );
  }
  if (methods.length !== signs.length) {
    throw new TypeError(
      `${context}: methods and signs must have the same length, received ${methods.length} ` +
        `methods and ${signs.length} signs. Pass one sign per method.`,
    );
  }
  if (options.titles !== undefined && options.titles.length !== methods.length) {
    throw new TypeError(
      `${context}: titles must have one entry per method (${methods.length}), received ` +
        `${options.titles.length}.`,
    );
  }
  const { panelSize = 240 } = options;
  const methodTitle = (j: number) => options.titles?.[j] ?? panelTitle(methods[j], signs[j]);
  const panels: PanelSpec[] = [];
  let attrs: ArrayInput[];
  let rows: number, cols: number, title: string;
  if (isLabeledList(attr)) {
    attrs = attr.map((a) => a.attr);
    if (methods.length === 1) {
      rows = 1;
      cols = attr.length;
      attr.forEach((a, i) =>
        panels.push({
          attrIndex: i,
          method: methods[0],
          sign: signs[0],
          title: a.title,
          row: 0,
          col: i,
        })
      );
      title = options.title ?? `${methodTitle(0)} by explainer`;
    } else {
      rows = attr.length;
      cols = methods.length;
      attr.forEach((a, i) =>
        methods.forEach((m, j) =>
          panels.push({
            attrIndex: i,
            method: m,
            sign: signs[j],
            title: `${a.title}: ${methodTitle(j)}`,
            row: i,
            col: j,
          })
        )
      );
      title = options.title ?? "Attributions by explainer";
    }
  } else {
    attrs = [attr as ArrayInput];
    rows = 1;
    cols = methods.length;
    methods.forEach((m, j) =>
      panels.push({
        attrIndex: 0,
        method: m,
        sign: signs[j],
        title: methodTitle(j),
        row: 0,
        col: j,
      })
    );
    title = options.title ?? "Attributions";
  }
  const usesHeat = methods.some((m) => m === "heat_map" || m === "blended_heat_map");
  return attrGridFigure(
    attrs,
    image,
    panels,
    rows,
    cols,
    gridOptions(options, title, panelSize, usesHeat),
    context,
    true,
  );
}
