/**
 * `randomizationGridFigure`: Adebayo et al.'s cascade of maps, one row per method, one column per
 * randomization step.
 *
 * @module
 */
import type { PlotlyTrace } from "../display/figure_spec.ts";
import { normalizeGrey } from "../evaluation/_maps.ts";
import type { ModelParameterRandomizationResult } from "../evaluation/model_parameter_randomization.ts";
import { Figure } from "./figure.ts";
import { cellTitle, grid, imageAxes } from "./_subplots.ts";
import { stepLabel } from "./_step_label.ts";

/** Options of {@linkcode randomizationGridFigure}. */
export interface RandomizationGridFigureOptions {
  /** Which kept example to show (an index into the results' kept maps). @default 0 */
  example?: number;
  /** Side of one map in pixels. @default 90 */
  panelSize?: number;
  /** Figure title. @default "Model parameter randomization: maps as the layers are randomized" */
  title?: string;
}

/**
 * The maps of one example: a row per method, the original model's map first, then the map after
 * each randomization step (cascading: from the top layer down). Each map is shown as Adebayo et
 * al. do, in grey: absolute values scaled to the 99th percentile. A method whose row does not
 * change ignores the model.
 *
 * @example
 * ```ts
 * import { randomizationGridFigure } from "../mod.ts";
 * const map = Float64Array.from({ length: 16 }, (_, i) => i);
 * randomizationGridFigure({
 *   Saliency: {
 *     mode: "cascading", target: [0], steps: [],
 *     maps: { height: 4, width: 4, original: [map], randomized: [] },
 *   },
 * });
 * ```
 *
 * @throws {TypeError} when no result holds kept maps (run with `keepMaps ≥ 1`).
 * @throws {RangeError} when `example` is not a kept example.
 */
export function randomizationGridFigure(
  results: Readonly<Record<string, ModelParameterRandomizationResult>>,
  options: RandomizationGridFigureOptions = {},
): Figure {
  const context = "Cannot draw the randomization grid";
  const methods = Object.keys(results ?? {});
  const { example = 0, panelSize = 90 } = options;
  if (methods.length === 0 || methods.some((m) => results[m].maps.original.length === 0)) {
    throw new TypeError(
      `${context}: every result must hold kept maps, received ${
        methods.length === 0 ? "no results" : "results without maps"
      }. Run modelParameterRandomization with keepMaps: 1 or more.`,
    );
  }
  const kept = Math.min(...methods.map((m) => results[m].maps.original.length));
  if (!Number.isInteger(example) || example < 0 || example >= kept) {
    throw new RangeError(
      `${context}: example must be an integer in [0, ${kept - 1}], received ${example}.`,
    );
  }
  const first = results[methods[0]];
  const { height, width } = first.maps;
  const cols = 1 + first.steps.length;
  const g = grid({
    rows: methods.length,
    cols,
    cellWidth: panelSize,
    cellHeight: Math.round(panelSize * height / width),
    topPx: 18,
    gapPx: 6,
    margin: { l: 150, r: 20, t: 70, b: 10 },
  });
  const data: PlotlyTrace[] = [];
  let axes: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  for (const [r, method] of methods.entries()) {
    const result = results[method];
    const maps = [result.maps.original[example], ...result.maps.randomized.map((m) => m[example])];
    for (let c = 0; c < cols && c < maps.length; c++) {
      const cell = g.cells[r * cols + c];
      const grey = normalizeGrey(maps[c].map(Math.abs));
      const z: number[][] = [];
      for (let y = 0; y < height; y++) {
        z.push(
          Array.from(grey.subarray(y * width, (y + 1) * width), (v) => Math.round(v * 100) / 100),
        );
      }
      data.push({
        type: "heatmap",
        z,
        zmin: 0,
        zmax: 1,
        colorscale: [[0, "#000000"], [1, "#ffffff"]],
        showscale: false,
        xaxis: cell.xaxis,
        yaxis: cell.yaxis,
        hovertemplate: `${method}<br>(%{x}, %{y}): %{z:.2f}<extra></extra>`,
      });
      axes = { ...axes, ...imageAxes(cell, height, width) };
      if (r === 0) {
        annotations.push(cellTitle(cell, c === 0 ? "original" : stepLabel(result, c - 1)));
      }
      if (c === 0) {
        annotations.push({
          text: method,
          xref: "paper",
          yref: "paper",
          x: cell.xDomain[0],
          y: (cell.yDomain[0] + cell.yDomain[1]) / 2,
          xanchor: "right",
          xshift: -6,
          showarrow: false,
          font: { size: 12 },
        });
      }
    }
  }
  const title = options.title ??
    `Model parameter randomization (${first.mode}): maps as the layers are randomized`;
  return new Figure({
    data,
    layout: {
      title: { text: title, font: { size: 15 } },
      width: g.width,
      height: g.height,
      margin: g.margin,
      showlegend: false,
      plot_bgcolor: "white",
      annotations,
      ...axes,
    },
    description: `Plotly figure: ${title} (${methods.length} methods × ${cols} maps)`,
  });
}
