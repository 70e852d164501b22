/**
 * `tcavFigure`: TCAV scores by layer with their significance, as the bar charts of Captum's TCAV
 * tutorial.
 *
 * @module
 */
import type { TCAVScoreType, TCAVSignificance } from "../concept/tcav_significance.ts";
import { Figure } from "./figure.ts";
import { lineColor } from "./_palette.ts";

/** Options of {@linkcode tcavFigure}. */
export interface TCAVFigureOptions {
  /**
   * Figure title.
   * @default "TCAV scores (<score>): concepts against random counterparts"
   */
  title?: string;
  /** Figure width in pixels. @default 700 */
  width?: number;
  /** Figure height in pixels. @default 420 */
  height?: number;
}

const SCORE_LABELS = { signCount: "sign count", magnitude: "magnitude" } as const;

/**
 * One group of bars per layer: for each concept, its mean TCAV score over the CAVs against random
 * concepts (± one standard deviation) beside its random counterpart's (grey). A concept's bar is
 * solid and labelled "p = … *" where the t-test rejects (p < alpha), faded and labelled "n.s."
 * where it does not: a faded bar is not evidence that the model uses the concept.
 *
 * @example
 * ```ts
 * import { tcavFigure } from "../mod.ts";
 * tcavFigure([{
 *   concept: "striped", layer: "conv2", scoreType: "signCount",
 *   conceptScores: [0.9, 0.8], randomScores: [0.5, 0.4],
 *   conceptMean: 0.85, conceptStd: 0.07, randomMean: 0.45, randomStd: 0.07,
 *   tStatistic: 5.7, pValue: 0.03, alpha: 0.05, significant: true,
 * }]);
 * ```
 *
 * @param results the results of {@linkcode tcavSignificance}, for one or more concepts.
 * @throws {TypeError} when `results` is empty or mixes score types.
 */
export function tcavFigure(
  results: readonly TCAVSignificance[],
  options: TCAVFigureOptions = {},
): Figure {
  const context = "Cannot draw the TCAV scores";
  if (!Array.isArray(results) || results.length === 0) {
    throw new TypeError(
      `${context}: results must be a non-empty array of tcavSignificance results, received ${
        JSON.stringify(results)
      }. Pass tcavSignificance(scores, sets).`,
    );
  }
  const scoreTypes: TCAVScoreType[] = [...new Set(results.map((r) => r.scoreType))];
  if (scoreTypes.length !== 1) {
    throw new TypeError(
      `${context}: results must share one scoreType, received ${
        JSON.stringify(scoreTypes)
      }. Draw one figure per score type.`,
    );
  }
  const scoreLabel = SCORE_LABELS[scoreTypes[0]];
  const layers = [...new Set(results.map((r) => r.layer))];
  const concepts = [...new Set(results.map((r) => r.concept))];
  const data = concepts.flatMap((concept, i) => {
    const byLayer = new Map(results.filter((r) => r.concept === concept).map((r) => [r.layer, r]));
    const cells = layers.map((layer) => byLayer.get(layer));
    const pText = (r: TCAVSignificance | undefined) =>
      r === undefined ? "" : r.significant ? `p = ${formatP(r.pValue)} *` : "n.s.";
    return [
      {
        type: "bar",
        name: concept,
        legendgroup: concept,
        x: layers,
        y: cells.map((r) => r?.conceptMean ?? null),
        error_y: { type: "data", array: cells.map((r) => r?.conceptStd ?? 0), visible: true },
        marker: {
          color: lineColor(i),
          opacity: cells.map((r) => (r?.significant ? 1 : 0.35)),
        },
        text: cells.map(pText),
        textposition: "outside",
        customdata: cells.map((r) =>
          r ? [formatP(r.pValue), r.conceptScores.length, r.tStatistic.toFixed(2)] : null
        ),
        hovertemplate: `${concept} @ %{x}: %{y:.3f}<br>p = %{customdata[0]}, ` +
          `t = %{customdata[2]}, %{customdata[1]} CAVs<extra></extra>`,
      },
      {
        type: "bar",
        name: `random (vs ${concept})`,
        legendgroup: concept,
        x: layers,
        y: cells.map((r) => r?.randomMean ?? null),
        error_y: { type: "data", array: cells.map((r) => r?.randomStd ?? 0), visible: true },
        marker: { color: "#bdbdbd" },
        hovertemplate: `random counterpart of ${concept} @ %{x}: %{y:.3f}<extra></extra>`,
      },
    ];
  });
  const title = options.title ??
    `TCAV scores (${scoreLabel}): concepts against random counterparts`;
  return new Figure({
    data,
    layout: {
      title: { text: title },
      width: options.width ?? 700,
      height: options.height ?? 420,
      barmode: "group",
      xaxis: { title: { text: "layer" }, type: "category" },
      yaxis: {
        title: { text: `TCAV score (${scoreLabel}), mean ± std` },
        ...(scoreTypes[0] === "signCount" ? { range: [0, 1.15] } : {}),
      },
    },
    description: `Plotly figure: ${title}`,
  });
}

/** A p-value in a few characters: 0.032, 4.1e-5. */
function formatP(p: number): string {
  if (Number.isNaN(p)) return "NaN";
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}
