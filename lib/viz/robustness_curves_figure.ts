/**
 * `robustnessCurvesFigure`: accuracy under attack against the attack's strength, one line per
 * attack.
 *
 * @module
 */
import type { PlotlyTrace } from "../display/figure_spec.ts";
import type { RobustnessCurve } from "../robust/accuracy_under_attack.ts";
import { Figure } from "./figure.ts";
import { lineColor } from "./_palette.ts";

/** Options of {@linkcode robustnessCurvesFigure}. */
export interface RobustnessCurvesFigureOptions {
  /** Figure title. @default "Accuracy under attack" */
  title?: string;
  /** The x axis label. @default "attack strength ε" */
  xTitle?: string;
  /** Figure width in pixels. @default 640 */
  width?: number;
  /** Figure height in pixels. @default 420 */
  height?: number;
}

/**
 * One line per attack (markers at each ε): the accuracy that `accuracyUnderAttack` measured, on a
 * 0–1 axis.
 *
 * @example
 * ```ts
 * import { robustnessCurvesFigure } from "../mod.ts";
 * robustnessCurvesFigure({
 *   FGSM: { epsilons: [0, 0.05, 0.1], accuracy: [0.9, 0.4, 0.1] },
 *   PGD: { epsilons: [0, 0.05, 0.1], accuracy: [0.9, 0.2, 0.0] },
 * });
 * ```
 *
 * @throws {TypeError} when `curves` is empty or a curve's lists differ in length.
 */
export function robustnessCurvesFigure(
  curves: Readonly<Record<string, RobustnessCurve>>,
  options: RobustnessCurvesFigureOptions = {},
): Figure {
  const context = "Cannot draw robustness curves";
  const names = Object.keys(curves ?? {});
  if (names.length === 0) {
    throw new TypeError(
      `${context}: curves must map attack names to { epsilons, accuracy }, received ${
        JSON.stringify(curves)
      }. Pass e.g. { FGSM: await accuracyUnderAttack(...) }.`,
    );
  }
  const data: PlotlyTrace[] = names.map((name, i) => {
    const { epsilons, accuracy } = curves[name];
    if (epsilons?.length !== accuracy?.length || epsilons.length === 0) {
      throw new TypeError(
        `${context}: curves.${name} must have as many accuracies as epsilons (at least one), received ${epsilons?.length} epsilons and ${accuracy?.length} accuracies. Pass the result of accuracyUnderAttack.`,
      );
    }
    return {
      type: "scatter",
      mode: "lines+markers",
      name,
      x: [...epsilons],
      y: accuracy.map((a) => Number(a.toPrecision(4))),
      line: { color: lineColor(i), width: 2 },
      hovertemplate: `${name}<br>ε = %{x}: accuracy %{y:.3f}<extra></extra>`,
    };
  });
  const title = options.title ?? "Accuracy under attack";
  return new Figure({
    data,
    layout: {
      title: { text: title },
      width: options.width ?? 640,
      height: options.height ?? 420,
      xaxis: { title: { text: options.xTitle ?? "attack strength ε" } },
      yaxis: { title: { text: "accuracy" }, range: [0, 1.02] },
      margin: { l: 60, r: 20, t: 60, b: 60 },
    },
    description: `Plotly figure: ${title} (${names.join(", ")})`,
  });
}
