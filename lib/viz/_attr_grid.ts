/**
 * Private: the grid of attribution panels behind `visualizeImageAttr` and
 * `visualizeImageAttrMultiple`, and drawing one panel into a cell of an existing grid.
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
  signColorScale,
} from "./_image_panel.ts";
import type { RgbaImage } from "../display/figure_spec.ts";
import { type ColorScale, type ColorScaleInput, resolveColorScale } from "./_colormaps.ts";
import { composeGrid } from "./_raster.ts";
import { cellTitle, grid, imageAxes } from "./_subplots.ts";
import { fitTitle, LINE_SPACING } from "./_title_fit.ts";
import type { PlotlyTrace } from "../display/figure_spec.ts";
import { Figure } from "./figure.ts";
import {
  figureTitleLayout,
  figureTitleMargin,
  type SubplotGrid,
  type SubplotTarget,
} from "./make_subplots.ts";
import {
  cumulativeSumThreshold,
  normalizeAttr,
  type NormalizedAttr,
  VISUALIZE_SIGNS,
  type VisualizeSign,
} from "./normalize_attr.ts";

/** One panel request. */
export interface PanelSpec {
  attrIndex: number;
  method: ImageVisualizationMethod;
  sign: VisualizeSign;
  title: string;
  row: number;
  col: number;
}

/** A fixed colour range in attribution units. */
export interface ValueRange {
  min: number;
  max: number;
}

/** How maps are scaled: Captum's, in units per map, in units with one range, or a fixed range. */
export type GridScale = "normalized" | "raw" | "shared" | ValueRange;

/** Shared options. */
export interface AttrGridOptions {
  outlierPerc: number;
  alphaOverlay: number;
  showColorbar: boolean;
  title: string;
  panelSize: number;
  width?: number;
  height?: number;
  cmap?: ColorScaleInput;
  scale: GridScale;
}

/** The user-facing options {@linkcode gridOptions} reads (those of `visualizeImageAttr*`). */
export interface AttrFigureOptions {
  outlierPerc?: number;
  alphaOverlay?: number;
  showColorbar?: boolean;
  width?: number;
  height?: number;
  cmap?: ColorScaleInput;
  scale?: GridScale;
}

/**
 * The grid options of a figure drawn with `options` (defaults filled in), titled `title`, with
 * panels `panelSize` pixels wide; colour bars only where `usesHeat` (a heat-map panel).
 */
export function gridOptions(
  options: AttrFigureOptions,
  title: string,
  panelSize: number,
  usesHeat: boolean,
): AttrGridOptions {
  const { outlierPerc = 2, alphaOverlay = 0.5, showColorbar = true } = options;
  return {
    outlierPerc,
    alphaOverlay,
    showColorbar: showColorbar && usesHeat,
    title,
    panelSize,
    width: options.width,
    height: options.height,
    cmap: options.cmap,
    scale: options.scale ?? "normalized",
  };
}

const PANEL_TITLE_SIZE = 13;
const FIGURE_TITLE_SIZE = 15;
const GAP_PX = 16;

/** A panel with what it shows. */
interface PreparedPanel {
  spec: PanelSpec;
  norm: NormalizedAttr;
  z: Float64Array;
  weights: Float64Array;
  scale: ColorScale;
  zmin: number;
  zmax: number;
  units: "normalized" | "attribution";
  isZero: boolean;
}

function checkOptions(
  options: AttrGridOptions,
  panels: readonly PanelSpec[],
  hasImage: boolean,
  allowShared: boolean,
  context: string,
): ColorScale | undefined {
  const { alphaOverlay, panelSize, scale } = options;
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
  if (typeof scale === "object" && scale !== null) {
    if (!(Number.isFinite(scale.min) && Number.isFinite(scale.max) && scale.min < scale.max)) {
      throw new RangeError(
        `${context}: scale must have finite min < max, received ${JSON.stringify(scale)}. ` +
          `Pass e.g. scale: { min: -0.01, max: 0.01 }.`,
      );
    }
  } else if (!(scale === "normalized" || scale === "raw" || (scale === "shared" && allowShared))) {
    throw new RangeError(
      `${context}: scale must be "normalized", "raw"${
        allowShared ? ', "shared"' : ""
      } or { min, max }, received ${JSON.stringify(scale)}.`,
    );
  }
  for (const p of panels) {
    if (!VISUALIZE_SIGNS.includes(p.sign)) {
      throw new RangeError(
        `${context}: sign must be one of ${VISUALIZE_SIGNS.map((s) => `"${s}"`).join(", ")}, ` +
          `received ${JSON.stringify(p.sign)}.`,
      );
    }
    checkPanel(p.method, p.sign, hasImage, context);
  }
  return options.cmap === undefined ? undefined : resolveColorScale(options.cmap, context);
}

function readInputs(
  attrs: readonly ArrayInput[],
  image: ArrayInput | null | undefined,
  context: string,
) {
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
  return { read, img, h, w };
}

const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v)) + 0;

/** Normalize each panel's map and pick what it shows, on which colour scale and range. */
function preparePanels(
  read: readonly { data: Float64Array; shape: [number, number, number] }[],
  panels: readonly PanelSpec[],
  options: AttrGridOptions,
  cmap: ColorScale | undefined,
): PreparedPanel[] {
  const { outlierPerc, scale } = options;
  const norms = panels.map((p) =>
    normalizeAttr(read[p.attrIndex].data, read[p.attrIndex].shape, { sign: p.sign, outlierPerc })
  );
  let shared = 0;
  if (scale === "shared") {
    const pooled = panels.flatMap((p, i) =>
      p.method === "original_image" ? [] : Array.from(norms[i].combined, Math.abs)
    );
    shared = pooled.length > 0 ? cumulativeSumThreshold(pooled, 100 - outlierPerc) : 0;
  }
  return panels.map((spec, i) => {
    const norm = norms[i];
    const defaults = signColorScale(spec.sign);
    const common = {
      spec,
      norm,
      scale: cmap ?? defaults.scale,
      isZero: norm.threshold === 0 && spec.method !== "original_image",
    };
    if (scale === "normalized") {
      return {
        ...common,
        z: norm.values,
        weights: norm.values,
        zmin: defaults.zmin,
        zmax: defaults.zmax,
        units: "normalized",
      };
    }
    const lo = spec.sign === "all" ? -1 : 0;
    let zmin: number, zmax: number;
    if (typeof scale === "object") {
      ({ min: zmin, max: zmax } = scale);
    } else {
      const t = scale === "shared" ? shared : Math.abs(norm.threshold);
      zmax = t > 0 ? t : 1;
      zmin = lo * zmax;
    }
    const top = zmax > 0 ? zmax : 1;
    return {
      ...common,
      z: norm.combined,
      weights: norm.combined.map((v) => clip(v / top, lo, 1)),
      zmin,
      zmax,
      units: "attribution",
    };
  });
}

/**
 * The width a panel title may take, centred over its image: up to its neighbour's title (the
 * colour-bar room and the gap between, less 8 px), and no more than 20 px (the figure margin)
 * past either side of the image, so that the first and last titles stay inside the figure.
 */
export function titleWidthPx(cellWidth: number, rightPx: number): number {
  return cellWidth + Math.min(rightPx + GAP_PX - 8, 40);
}

/** A panel title fitted to `widthPx`: wrapped, then smaller, within `maxLines`. */
function fitPanelTitle(text: string, widthPx: number, maxLines: number) {
  return fitTitle(text, widthPx, { fontSize: PANEL_TITLE_SIZE, maxLines });
}

function titleLinesFor(topPx: number): number {
  return Math.max(1, Math.floor((topPx - 8) / (PANEL_TITLE_SIZE * LINE_SPACING)));
}

function zeroNote(title: string, p: PreparedPanel): string {
  return p.isZero ? `${title} (all zero)` : title;
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
  allowShared: boolean,
): Figure {
  const hasImage = image !== undefined && image !== null;
  const cmap = checkOptions(options, panels, hasImage, allowShared, context);
  const { read, img, h, w } = readInputs(attrs, image, context);
  const { alphaOverlay, showColorbar, panelSize } = options;
  const prepared = preparePanels(read, panels, options, cmap);
  const cellW = Math.round(panelSize * w / Math.max(h, w));
  const cellH = Math.round(panelSize * h / Math.max(h, w));
  const rightPx = showColorbar ? (options.scale === "normalized" ? 56 : 64) : 0;
  const titles = panels.length > 1
    ? prepared.map((p) => fitPanelTitle(zeroNote(p.spec.title, p), titleWidthPx(cellW, rightPx), 2))
    : [];
  const topPx = Math.max(24, ...titles.map((t) => t.heightPx + 8));
  const spec = { rows, cols, cellWidth: cellW, cellHeight: cellH, rightPx, topPx, gapPx: GAP_PX };
  let title = options.title;
  if (prepared.some((p) => p.isZero)) {
    title += panels.length > 1
      ? " — note: some maps have no non-zero attributions of the chosen sign"
      : " — note: no non-zero attributions of this sign (map is all zero)";
  }
  const figTitle = fitTitle(title, (options.width ?? grid(spec).width) - 40, {
    fontSize: FIGURE_TITLE_SIZE,
    maxLines: 3,
  });
  const g = grid({ ...spec, margin: figureTitleMargin(figTitle.heightPx) });
  const plotW = g.width - g.margin.l - g.margin.r;
  const data: PlotlyTrace[] = [];
  let axes: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const rasters: (RgbaImage | undefined)[][] = Array.from({ length: rows }, () => new Array(cols));
  for (const [i, p] of prepared.entries()) {
    const cell = g.cells[p.spec.row * cols + p.spec.col];
    const panel = drawPanel({
      ...p,
      method: p.spec.method,
      height: h,
      width: w,
      image: img,
      alphaOverlay,
      showColorbar,
      cell,
      colorbarX: cell.xDomain[1] + 6 / plotW,
    });
    data.push(...panel.traces);
    axes = { ...axes, ...imageAxes(cell, h, w) };
    if (panels.length > 1) {
      annotations.push({ ...cellTitle(cell, titles[i].text), font: { size: titles[i].fontSize } });
    }
    rasters[p.spec.row][p.spec.col] = panel.raster;
  }
  return new Figure({
    data,
    layout: {
      title: figureTitleLayout(figTitle.text, figTitle.fontSize),
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
    subplots: {
      rows,
      cols,
      cells: g.cells,
      cellWidth: cellW,
      cellHeight: cellH,
      topPx,
      rightPx,
      plotWidth: plotW,
      rasters,
    },
  });
}

function targetGrid(into: SubplotTarget, context: string): SubplotGrid {
  const grid = (into?.figure as Figure | undefined)?.subplots;
  if (grid === undefined) {
    throw new TypeError(
      `${context}: into.figure must be a figure with a subplot grid (from makeSubplots), ` +
        `received ${into?.figure === undefined ? "none" : "a figure without one"}. ` +
        `Make one with makeSubplots({ rows, cols }).`,
    );
  }
  const { row, col } = into;
  if (
    !Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 ||
    row >= grid.rows || col >= grid.cols
  ) {
    throw new RangeError(
      `${context}: into.row and into.col must pick a cell of the ${grid.rows}×${grid.cols} ` +
        `grid (from 0), received row ${row}, col ${col}.`,
    );
  }
  if (grid.rasters[row][col] !== undefined) {
    throw new RangeError(
      `${context}: cell (row ${row}, col ${col}) already holds a panel. Pick an empty cell ` +
        `or make a larger grid.`,
    );
  }
  return grid;
}

/**
 * Draw one panel into cell `(into.row, into.col)` of `into.figure`; returns a new figure with
 * the panel added (traces, axes, the panel title and the PNG rendering).
 */
export function drawIntoSubplot(
  into: SubplotTarget,
  attr: ArrayInput,
  image: ArrayInput | null | undefined,
  panel: Omit<PanelSpec, "attrIndex" | "row" | "col">,
  options: AttrGridOptions,
  context: string,
): Figure {
  const grid = targetGrid(into, context);
  const spec: PanelSpec = { ...panel, attrIndex: 0, row: into.row, col: into.col };
  const cmap = checkOptions(options, [spec], image !== undefined && image !== null, false, context);
  const { read, img, h, w } = readInputs([attr], image, context);
  const [p] = preparePanels(read, [spec], options, cmap);
  const cell = grid.cells[into.row * grid.cols + into.col];
  const drawn = drawPanel({
    ...p,
    method: spec.method,
    height: h,
    width: w,
    image: img,
    alphaOverlay: options.alphaOverlay,
    showColorbar: options.showColorbar && grid.rightPx > 0,
    cell,
    colorbarX: cell.xDomain[1] + 6 / grid.plotWidth,
  });
  const { figure } = into;
  const rasters = grid.rasters.map((r, i) =>
    i === into.row ? r.map((x, j) => (j === into.col ? drawn.raster : x)) : r
  );
  const annotations = (figure.layout.annotations as unknown[] | undefined) ?? [];
  const title = fitPanelTitle(
    zeroNote(spec.title, p),
    titleWidthPx(grid.cellWidth, grid.rightPx),
    titleLinesFor(grid.topPx),
  );
  return new Figure({
    data: [...figure.data, ...drawn.traces],
    layout: {
      ...figure.layout,
      ...imageAxes(cell, h, w),
      annotations: [
        ...annotations,
        { ...cellTitle(cell, title.text), font: { size: title.fontSize } },
      ],
    },
    config: figure.config,
    raster: composeGrid(rasters),
    description: figure.description,
    subplots: { ...grid, rasters },
  });
}
