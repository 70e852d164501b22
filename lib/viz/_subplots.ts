/**
 * Private: pixel-exact subplot grids (domains in paper coordinates) and axis styling.
 *
 * @module
 */
import type { PlotlyLayout, RgbaImage } from "../display/figure_spec.ts";

/** One subplot cell of a grid. */
export interface Cell {
  row: number;
  col: number;
  /** Trace axis ids, e.g. "x2" / "y2". */
  xaxis: string;
  yaxis: string;
  /** Layout keys, e.g. "xaxis2" / "yaxis2". */
  xKey: string;
  yKey: string;
  xDomain: [number, number];
  yDomain: [number, number];
}

/** Grid geometry in pixels. */
export interface GridSpec {
  rows: number;
  cols: number;
  cellWidth: number;
  cellHeight: number;
  /** Space right of each cell (colour bar). @default 0 */
  rightPx?: number;
  /** Space above each cell (subplot title). @default 0 */
  topPx?: number;
  /** Horizontal / vertical gap between cells. @default 20 */
  gapPx?: number;
  margin?: { l: number; r: number; t: number; b: number };
}

/** The cells (row-major) and the figure size of a grid. */
export interface Grid {
  cells: Cell[];
  width: number;
  height: number;
  margin: { l: number; r: number; t: number; b: number };
}

/** Lay a grid out so every cell is exactly `cellWidth` × `cellHeight` pixels. */
export function grid(spec: GridSpec): Grid {
  const { rows, cols, cellWidth, cellHeight, rightPx = 0, topPx = 0, gapPx = 20 } = spec;
  const margin = spec.margin ?? { l: 20, r: 20, t: 60, b: 20 };
  const plotW = cols * (cellWidth + rightPx) + (cols - 1) * gapPx;
  const plotH = rows * (cellHeight + topPx) + (rows - 1) * gapPx;
  const cells: Cell[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c + 1;
      const suffix = i === 1 ? "" : String(i);
      const x0 = c * (cellWidth + rightPx + gapPx);
      const yTop = r * (cellHeight + topPx + gapPx) + topPx;
      cells.push({
        row: r,
        col: c,
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        xKey: `xaxis${suffix}`,
        yKey: `yaxis${suffix}`,
        xDomain: [x0 / plotW, (x0 + cellWidth) / plotW],
        yDomain: [1 - (yTop + cellHeight) / plotH, 1 - yTop / plotH],
      });
    }
  }
  return {
    cells,
    width: plotW + margin.l + margin.r,
    height: plotH + margin.t + margin.b,
    margin,
  };
}

/** Axes for an image of `height` × `width` pixels in `cell`: no ticks, square pixels, y down. */
export function imageAxes(cell: Cell, height: number, width: number): PlotlyLayout {
  const common = {
    showticklabels: false,
    ticks: "",
    showgrid: false,
    zeroline: false,
    showline: false,
  };
  return {
    [cell.xKey]: {
      ...common,
      domain: cell.xDomain,
      range: [-0.5, width - 0.5],
      constrain: "domain",
      anchor: cell.yaxis,
    },
    [cell.yKey]: {
      ...common,
      domain: cell.yDomain,
      range: [height - 0.5, -0.5],
      scaleanchor: cell.xaxis,
      constrain: "domain",
      anchor: cell.xaxis,
    },
  };
}

/** A subplot title above `cell`. */
export function cellTitle(cell: Cell, text: string): Record<string, unknown> {
  return {
    text,
    xref: "paper",
    yref: "paper",
    x: (cell.xDomain[0] + cell.xDomain[1]) / 2,
    y: cell.yDomain[1],
    xanchor: "center",
    yanchor: "bottom",
    yshift: 4,
    showarrow: false,
    font: { size: 13 },
  };
}

/** The subplot grid a figure carries, so that more panels can be drawn into its cells. */
export interface SubplotGrid {
  rows: number;
  cols: number;
  /** The cells, row-major. */
  cells: readonly Cell[];
  /** Width and height of a cell's image area, in pixels. */
  cellWidth: number;
  cellHeight: number;
  /** Room above each cell for its title, in pixels. */
  topPx: number;
  /** Room right of each cell for a colour bar, in pixels. */
  rightPx: number;
  /** Width of the plotting area (the figure less its margins), in pixels. */
  plotWidth: number;
  /** What each cell shows in the PNG rendering; `undefined` for a cell not drawn yet. */
  rasters: readonly (readonly (RgbaImage | undefined)[])[];
}
