/**
 * `metricTableFigure`: a method × metric table as a heat map coloured by rank within each metric.
 *
 * @module
 */
import { Figure } from "./figure.ts";
import { GREENS, plotlyColorscale } from "./_colormaps.ts";

/** One cell of the table: a method's mean and spread of one metric. */
export interface MetricTableRow {
  /** The method's name. */
  method: string;
  /** The metric's name. */
  metric: string;
  /** Mean over examples. */
  mean: number;
  /** Standard deviation over examples. */
  std: number;
  /** Whether a higher value is better for this metric. */
  higherIsBetter: boolean;
}

/** Options of {@linkcode metricTableFigure}. */
export interface MetricTableFigureOptions {
  /** Figure title. @default "Evaluation metrics (mean ± std over images; darker = better)" */
  title?: string;
}

/**
 * A table of methods (rows) by metrics (columns), each cell showing `mean ± std`; colours are the
 * method's position between the worst (light) and the best (dark) mean of that metric, so columns
 * with different scales and directions read alike. Metrics are labelled ↑ (higher is better) or
 * ↓ (lower is better).
 *
 * @example
 * ```ts
 * import { metricTableFigure } from "../mod.ts";
 * metricTableFigure([
 *   { method: "Saliency", metric: "sparseness", mean: 0.5, std: 0.1, higherIsBetter: true },
 *   { method: "IG", metric: "sparseness", mean: 0.7, std: 0.1, higherIsBetter: true },
 * ]);
 * ```
 *
 * @throws {TypeError} when `rows` is empty.
 */
export function metricTableFigure(
  rows: readonly MetricTableRow[],
  options: MetricTableFigureOptions = {},
): Figure {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new TypeError(
      `Cannot draw the metric table: rows must be a non-empty array of { method, metric, mean, ` +
        `std, higherIsBetter }, received ${JSON.stringify(rows)}.`,
    );
  }
  const methods = [...new Set(rows.map((r) => r.method))];
  const metrics = [...new Set(rows.map((r) => r.metric))];
  const direction = new Map(rows.map((r) => [r.metric, r.higherIsBetter]));
  const z: (number | null)[][] = [];
  const text: string[][] = [];
  for (const method of methods) {
    const zr: (number | null)[] = [], tr: string[] = [];
    for (const metric of metrics) {
      const row = rows.find((r) => r.method === method && r.metric === metric);
      const values = rows.filter((r) => r.metric === metric && Number.isFinite(r.mean))
        .map((r) => r.mean);
      if (row === undefined || !Number.isFinite(row.mean)) {
        zr.push(null);
        tr.push("—");
        continue;
      }
      const lo = Math.min(...values), hi = Math.max(...values);
      const t = hi > lo ? (row.mean - lo) / (hi - lo) : 0.5;
      zr.push(Number((row.higherIsBetter ? t : 1 - t).toFixed(3)));
      tr.push(`${fmt(row.mean)} ± ${fmt(row.std)}`);
    }
    z.push(zr);
    text.push(tr);
  }
  const labels = metrics.map((m) => `${m} ${direction.get(m) ? "↑" : "↓"}`);
  const title = options.title ?? "Evaluation metrics (mean ± std over images; darker = better)";
  return new Figure({
    data: [{
      type: "heatmap",
      x: labels,
      y: methods,
      z,
      text,
      texttemplate: "%{text}",
      textfont: { size: 10 },
      colorscale: plotlyColorscale(GREENS),
      zmin: 0,
      zmax: 1,
      showscale: false,
      xgap: 2,
      ygap: 2,
      hovertemplate: "%{y}<br>%{x}: %{text}<extra></extra>",
    }],
    layout: {
      title: { text: title },
      width: Math.max(600, 115 * metrics.length + 200),
      height: Math.max(300, 40 * methods.length + 220),
      xaxis: { type: "category", side: "top", tickangle: -30 },
      yaxis: { type: "category", autorange: "reversed" },
      margin: { l: 170, r: 20, t: 190, b: 20 },
      plot_bgcolor: "white",
    },
    description: `Plotly figure: ${title} (${methods.length} methods × ${metrics.length} metrics)`,
  });
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1000)
    ? v.toExponential(1)
    : v.toFixed(Math.abs(v) >= 10 ? 1 : 3);
}
