/**
 * `perturbationCurvesFigure`: deletion, insertion or ROAD curves side by side, one line per
 * method (the mean over examples).
 *
 * @module
 */
import type { PlotlyTrace } from "../display/figure_spec.ts";
import type { PerturbationCurve } from "../evaluation/perturbation_curve.ts";
import { Figure } from "./figure.ts";
import { lineColor, meanSeries } from "./_palette.ts";

/** One panel of {@linkcode perturbationCurvesFigure}: a title and a curve per method. */
export interface CurvePanel {
  /** Panel title, e.g. "Deletion (most relevant first)". */
  title: string;
  /** Per method name, its curve (every example's; the figure shows their mean). */
  curves: Readonly<Record<string, PerturbationCurve>>;
  /** The y axis label. @default "score of the explained class" */
  yTitle?: string;
}

/** Options of {@linkcode perturbationCurvesFigure}. */
export interface PerturbationCurvesFigureOptions {
  /** Figure title. @default "Perturbation curves (mean over images)" */
  title?: string;
  /** Width of one panel in pixels. @default 380 */
  panelWidth?: number;
  /** Figure height in pixels. @default 420 */
  height?: number;
}

/**
 * Curves side by side, one panel per entry of `panels`, one line per method (the same colour in
 * every panel), each the mean over examples of the method's curve; the legend gives each
 * method's mean AUC in the first panel.
 *
 * @example
 * ```ts
 * import { perturbationCurvesFigure } from "../mod.ts";
 * const curve = { fractions: [0, 0.5, 1], scores: [Float64Array.of(1, 0.4, 0.1)], auc: Float64Array.of(0.475) };
 * perturbationCurvesFigure([{ title: "Deletion", curves: { Saliency: curve } }]);
 * ```
 *
 * @throws {TypeError} when `panels` is empty or a panel has no curves.
 */
export function perturbationCurvesFigure(
  panels: readonly CurvePanel[],
  options: PerturbationCurvesFigureOptions = {},
): Figure {
  const context = "Cannot draw perturbation curves";
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new TypeError(
      `${context}: panels must be a non-empty array of { title, curves }, received ${
        JSON.stringify(panels)
      }.`,
    );
  }
  const methods = [...new Set(panels.flatMap((p) => Object.keys(p.curves ?? {})))];
  if (methods.length === 0) {
    throw new TypeError(`${context}: every panel has no curves. Pass { method: curve } per panel.`);
  }
  const { panelWidth = 380, height = 420 } = options;
  const cols = panels.length;
  const gap = 0.06;
  const w = (1 - gap * (cols - 1)) / cols;
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  for (const [c, panel] of panels.entries()) {
    const suffix = c === 0 ? "" : String(c + 1);
    const domain = [c * (w + gap), c * (w + gap) + w];
    layout[`xaxis${suffix}`] = {
      domain,
      title: { text: "fraction of features perturbed" },
      range: [0, 1],
      anchor: `y${suffix}`,
    };
    layout[`yaxis${suffix}`] = {
      title: { text: panel.yTitle ?? "score of the explained class" },
      anchor: `x${suffix}`,
    };
    annotations.push({
      text: panel.title,
      x: (domain[0] + domain[1]) / 2,
      y: 1.02,
      xref: "paper",
      yref: "paper",
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
    });
    for (const [m, method] of methods.entries()) {
      const curve = panel.curves[method];
      if (curve === undefined) continue;
      const auc = curve.auc.reduce((s: number, v: number) => s + v, 0) / curve.auc.length;
      data.push({
        type: "scatter",
        mode: "lines",
        name: c === 0 ? `${method} (AUC ${auc.toFixed(3)})` : method,
        legendgroup: method,
        showlegend: c === 0,
        x: curve.fractions,
        y: meanSeries(curve.scores).map((v) => Number(v.toPrecision(5))),
        line: { color: lineColor(m), width: 2 },
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        hovertemplate: `${method}<br>%{x:.2f} perturbed: %{y:.3f}<extra></extra>`,
      });
    }
  }
  const title = options.title ?? "Perturbation curves (mean over images)";
  return new Figure({
    data,
    layout: {
      title: { text: title },
      width: panelWidth * cols + 80,
      height,
      legend: { orientation: "h", y: -0.22 },
      margin: { l: 60, r: 20, t: 70, b: 120 },
      annotations,
      ...layout,
    },
    description: `Plotly figure: ${title} (${panels.length} panels, ${methods.length} methods)`,
  });
}
