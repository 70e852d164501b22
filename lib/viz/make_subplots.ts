/**
 * `makeSubplots`: an empty grid of image panels that attribution visualizations draw into
 * (Captum's `plt_fig_axis`, matplotlib's `plt.subplots`).
 *
 * @module
 */
import { type Cell, grid, type SubplotGrid } from "./_subplots.ts";
import { fitTitle } from "./_title_fit.ts";
import { Figure } from "./figure.ts";

/** One cell of a {@linkcode SubplotGrid}: its axis ids and its domain in paper coordinates. */
export type SubplotCell = Cell;

export type { SubplotGrid };

/** Where to draw a panel: a cell of a figure made by {@linkcode makeSubplots}. */
export interface SubplotTarget {
  /** A figure with a subplot grid (from `makeSubplots` or an earlier draw into it). */
  figure: Figure;
  /** Row of the cell, from 0. */
  row: number;
  /** Column of the cell, from 0. */
  col: number;
}

/** Options of {@linkcode makeSubplots}. */
export interface MakeSubplotsOptions {
  /** Number of rows. @default 1 */
  rows?: number;
  /** Number of columns. @default 1 */
  cols?: number;
  /** Side of each cell's image area in pixels. @default 240 */
  panelSize?: number;
  /** Figure title. @default none */
  title?: string;
  /** Leave room for a colour bar right of each cell. @default true */
  colorbars?: boolean;
  /** Lines of panel title each cell has room for (longer titles shrink). @default 2 */
  titleLines?: number;
}

const FIGURE_TITLE_SIZE = 15;
const PANEL_TITLE_SIZE = 13;

/**
 * An empty figure with a `rows` × `cols` grid of image cells. Draw attribution maps into its
 * cells with `visualizeImageAttr(attr, image, { into: { figure, row, col } })`, which returns
 * the figure with the panel added (the figure passed in is not changed).
 *
 * @example
 * ```ts
 * import { makeSubplots, visualizeImageAttr } from "../mod.ts";
 * const image = [[[0.0], [0.5]], [[0.7], [1.0]]];
 * const ig = [[[0.1], [0.5]], [[-0.2], [0.9]]];
 * const saliency = [[[0.3], [0.1]], [[0.2], [0.4]]];
 * let fig = makeSubplots({ cols: 2, title: "Two methods, one figure" });
 * fig = visualizeImageAttr(ig, image, {
 *   method: "blended_heat_map", sign: "all", title: "Integrated Gradients",
 *   into: { figure: fig, row: 0, col: 0 },
 * });
 * fig = visualizeImageAttr(saliency, null, {
 *   cmap: "viridis", title: "Saliency", into: { figure: fig, row: 0, col: 1 },
 * });
 * fig; // as a notebook cell's value, this shows both panels
 * ```
 *
 * @throws {RangeError} if rows, cols or titleLines is not a positive integer, or panelSize is
 *   not positive.
 */
export function makeSubplots(options: MakeSubplotsOptions = {}): Figure {
  const { rows = 1, cols = 1, panelSize = 240, colorbars = true, titleLines = 2 } = options;
  const context = "Cannot make subplots";
  for (const [name, v] of [["rows", rows], ["cols", cols], ["titleLines", titleLines]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${context}: ${name} must be a positive integer, received ${v}.`);
    }
  }
  if (!(panelSize > 0)) {
    throw new RangeError(
      `${context}: panelSize must be a positive number of pixels, received ${panelSize}.`,
    );
  }
  const topPx = Math.ceil(titleLines * PANEL_TITLE_SIZE * 1.3) + 8;
  const rightPx = colorbars ? 64 : 0;
  const spec = {
    rows,
    cols,
    cellWidth: panelSize,
    cellHeight: panelSize,
    rightPx,
    topPx,
    gapPx: 16,
  };
  const title = options.title === undefined
    ? undefined
    : fitTitle(options.title, grid(spec).width - 40, { fontSize: FIGURE_TITLE_SIZE, maxLines: 3 });
  const g = grid({
    ...spec,
    margin: title === undefined
      ? { l: 20, r: 20, t: 20, b: 20 }
      : figureTitleMargin(title.heightPx),
  });
  const axes: Record<string, unknown> = {};
  for (const cell of g.cells) {
    axes[cell.xKey] = { domain: cell.xDomain, visible: false, anchor: cell.yaxis };
    axes[cell.yKey] = { domain: cell.yDomain, visible: false, anchor: cell.xaxis };
  }
  return new Figure({
    data: [],
    layout: {
      ...(title && { title: figureTitleLayout(title.text, title.fontSize) }),
      width: g.width,
      height: g.height,
      margin: g.margin,
      showlegend: false,
      plot_bgcolor: "white",
      paper_bgcolor: "white",
      annotations: [],
      ...axes,
    },
    description: `Plotly figure: ${options.title ?? "subplots"} (${rows}×${cols} empty cells)`,
    subplots: {
      rows,
      cols,
      cells: g.cells,
      cellWidth: panelSize,
      cellHeight: panelSize,
      topPx,
      rightPx,
      plotWidth: g.width - g.margin.l - g.margin.r,
      rasters: Array.from({ length: rows }, () => new Array(cols).fill(undefined)),
    },
  });
}

/** Margins that leave room for a figure title `titleHeightPx` high. */
export function figureTitleMargin(titleHeightPx: number): {
  l: number;
  r: number;
  t: number;
  b: number;
} {
  return { l: 20, r: 20, t: Math.max(60, 32 + titleHeightPx), b: 20 };
}

/**
 * A figure title, centred (plotly.js's default) and anchored at the top, so that wrapped lines
 * grow downwards into the margin.
 */
export function figureTitleLayout(text: string, fontSize: number): Record<string, unknown> {
  return {
    text,
    font: { size: fontSize },
    x: 0.5,
    xanchor: "center",
    yref: "container",
    y: 1,
    yanchor: "top",
    pad: { t: 16 },
  };
}
