/**
 * Private: the grid of attribution panels behind `visualizeImageAttr` and
 * `visualizeImageAttrMultiple`.
 *
 * @module
 */
import type { ArrayInput } from "./array_input.ts";
import {
  checkPanel,
  drawPanel,
  type ImageVisualizationMethod,
  readHwc,
  readImage,
  type RgbImage,
} from "./_image_panel.ts";
import type { RgbaImage } from "../display/figure_spec.ts";
import { composeGrid } from "./_raster.ts";
import { cellTitle, grid, imageAxes } from "./_subplots.ts";
import type { PlotlyTrace } from "../display/figure_spec.ts";
import { Figure } from "./figure.ts";
import { normalizeAttr, VISUALIZE_SIGNS, type VisualizeSign } from "./normalize_attr.ts";

/** One panel request. */
export interface PanelSpec {
  attrIndex: number;
  method: ImageVisualizationMethod;
  sign: VisualizeSign;
  title: string;
  row: number;
  col: number;
}

/** Shared options. */
export interface AttrGridOptions {
  outlierPerc: number;
  alphaOverlay: number;
  showColorbar: boolean;
  title: string;
  panelSize: number;
  width?: number;
  height?: number;
}

/** Build a figure of `panels` laid out on a rows × cols grid. */
export function attrGridFigure(
  attrs: readonly ArrayInput[],
  image: ArrayInput | null | undefined,
  panels: readonly PanelSpec[],
  rows: number,
  cols: number,
  options: AttrGridOptions,
  context: string,
): Figure {
  const { outlierPerc, alphaOverlay, showColorbar, panelSize } = options;
  if (!(alphaOverlay >= 0 && alphaOverlay <= 1)) {
    throw new RangeError(
      `${context}: alphaOverlay must be within 0..1, received ${alphaOverlay}. Pass e.g. 0.5.`,
    );
  }
  if (!(panelSize > 0)) {
    throw new RangeError(
      `${context}: panelSize must be a positive number of pixels, received ${panelSize}.`,
    );
  }
  for (const p of panels) {
    if (!VISUALIZE_SIGNS.includes(p.sign)) {
      throw new RangeError(
        `${context}: sign must be one of ${VISUALIZE_SIGNS.map((s) => `"${s}"`).join(", ")}, ` +
          `received ${JSON.stringify(p.sign)}.`,
      );
    }
    checkPanel(p.method, p.sign, image !== undefined && image !== null, context);
  }
  const read = attrs.map((a, i) => readHwc(a, context, attrs.length > 1 ? `attr[${i}]` : "attr"));
  const [h, w] = read[0].shape;
  for (const [i, r] of read.entries()) {
    if (r.shape[0] !== h || r.shape[1] !== w) {
      throw new TypeError(
        `${context}: all attribution maps must have the same height and width; attr[0] is ` +
          `${h}×${w}, attr[${i}] is ${r.shape[0]}×${r.shape[1]}.`,
      );
    }
  }
  let img: RgbImage | undefined;
  if (image !== undefined && image !== null) {
    img = readImage(image, context, "image");
    if (img.height !== h || img.width !== w) {
      throw new TypeError(
        `${context}: image is ${img.height}×${img.width} but attr is ${h}×${w}. Pass the ` +
          `image the attributions were computed for.`,
      );
    }
  }
  const cellW = Math.round(panelSize * w / Math.max(h, w));
  const cellH = Math.round(panelSize * h / Math.max(h, w));
  const rightPx = showColorbar ? 56 : 0;
  const topPx = 24;
  const g = grid({ rows, cols, cellWidth: cellW, cellHeight: cellH, rightPx, topPx, gapPx: 16 });
  const plotW = g.width - g.margin.l - g.margin.r;
  const data: PlotlyTrace[] = [];
  let axes: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const rasters: (RgbaImage | undefined)[][] = Array.from({ length: rows }, () => new Array(cols));
  const zeroPanels: string[] = [];
  for (const p of panels) {
    const cell = g.cells[p.row * cols + p.col];
    const { data: values, shape } = read[p.attrIndex];
    const norm = normalizeAttr(values, shape, { sign: p.sign, outlierPerc });
    const isZero = norm.threshold === 0 && p.method !== "original_image";
    if (isZero) zeroPanels.push(p.title);
    const panel = drawPanel({
      method: p.method,
      sign: p.sign,
      norm,
      image: img,
      alphaOverlay,
      showColorbar,
      cell,
      colorbarX: cell.xDomain[1] + 6 / plotW,
      context,
    });
    data.push(...panel.traces);
    axes = { ...axes, ...imageAxes(cell, h, w) };
    const label = isZero ? `${p.title} (all zero)` : p.title;
    if (panels.length > 1) annotations.push(cellTitle(cell, label));
    rasters[p.row][p.col] = panel.raster;
  }
  let title = options.title;
  if (zeroPanels.length > 0) {
    title += panels.length > 1
      ? " — note: some maps have no non-zero attributions of the chosen sign"
      : " — note: no non-zero attributions of this sign (map is all zero)";
  }
  return new Figure({
    data,
    layout: {
      title: { text: title, font: { size: 15 } },
      width: options.width ?? g.width,
      height: options.height ?? g.height,
      margin: g.margin,
      showlegend: false,
      plot_bgcolor: "white",
      paper_bgcolor: "white",
      annotations,
      ...axes,
    },
    raster: composeGrid(rasters),
    description:
      `Plotly figure: ${title} (${panels.length} panel${panels.length > 1 ? "s" : ""}, ` +
      `${h}×${w} pixels)`,
  });
}
