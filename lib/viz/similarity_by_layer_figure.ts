/**
 * `similarityByLayerFigure`: Adebayo et al.'s similarity-versus-randomized-layer plot, one line
 * per method, one panel per similarity measure.
 *
 * @module
 */
import type { PlotlyTrace } from "../display/figure_spec.ts";
import { SIMILARITY_MEASURES, type SimilarityMeasure } from "../evaluation/map_similarity.ts";
import type { ModelParameterRandomizationResult } from "../evaluation/model_parameter_randomization.ts";
import { Figure } from "./figure.ts";
import { lineColor } from "./_palette.ts";
import { stepLabel } from "./_step_label.ts";

const MEASURE_TITLES: Record<SimilarityMeasure, string> = {
  spearmanAbs: "Spearman rank correlation (absolute values)",
  spearman: "Spearman rank correlation (signed values)",
  ssim: "SSIM",
  hogPearson: "Pearson correlation of HOG features",
};

/** Options of {@linkcode similarityByLayerFigure}. */
export interface SimilarityByLayerFigureOptions {
  /** The measures shown, one panel each. @default all four */
  measures?: readonly SimilarityMeasure[];
  /** Figure title. @default "Model parameter randomization: similarity to the original maps" */
  title?: string;
  /** Width of one panel in pixels. @default 340 */
  panelWidth?: number;
  /** Height of one panel row in pixels. @default 300 */
  panelHeight?: number;
}

/**
 * For each method, the mean (over examples) similarity of its maps to the original ones after
 * each randomization step, starting at 1 for the original model ("none"); the x axis names the
 * layer randomized at each step (cascading: "+conv2" means conv2 and the layers above). Methods
 * whose line stays near 1 do not depend on the model's weights.
 *
 * @example
 * ```ts
 * import { similarityByLayerFigure } from "../mod.ts";
 * const step = (layer: string, v: number) => ({
 *   layer,
 *   randomized: [layer],
 *   similarity: {
 *     spearmanAbs: Float64Array.of(v), spearman: Float64Array.of(v),
 *     ssim: Float64Array.of(v), hogPearson: Float64Array.of(v),
 *   },
 * });
 * similarityByLayerFigure({
 *   Saliency: {
 *     mode: "cascading", target: [0],
 *     steps: [step("dense", 0.2), step("conv1", 0.05)],
 *     maps: { height: 1, width: 1, original: [], randomized: [] },
 *   },
 * });
 * ```
 *
 * @throws {TypeError} when `results` is empty or holds no steps.
 */
export function similarityByLayerFigure(
  results: Readonly<Record<string, ModelParameterRandomizationResult>>,
  options: SimilarityByLayerFigureOptions = {},
): Figure {
  const context = "Cannot draw the similarity by layer";
  const methods = Object.keys(results ?? {});
  if (methods.length === 0 || results[methods[0]].steps.length === 0) {
    throw new TypeError(
      `${context}: results must map method names to modelParameterRandomization() results ` +
        `with at least one step, received ${methods.length === 0 ? "no methods" : "no steps"}.`,
    );
  }
  const { measures = SIMILARITY_MEASURES, panelWidth = 340, panelHeight = 300 } = options;
  const cols = Math.min(2, measures.length);
  const rows = Math.ceil(measures.length / cols);
  const gapX = 0.1, gapY = 0.16;
  const w = (1 - gapX * (cols - 1)) / cols;
  const h = (1 - gapY * (rows - 1)) / rows;
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  for (const [i, measure] of measures.entries()) {
    const r = Math.floor(i / cols), c = i % cols;
    const suffix = i === 0 ? "" : String(i + 1);
    const xDomain = [c * (w + gapX), c * (w + gapX) + w];
    const yDomain = [1 - r * (h + gapY) - h, 1 - r * (h + gapY)];
    layout[`xaxis${suffix}`] = { domain: xDomain, anchor: `y${suffix}`, type: "category" };
    layout[`yaxis${suffix}`] = {
      domain: yDomain,
      anchor: `x${suffix}`,
      range: [-0.3, 1.05],
      title: { text: "similarity" },
    };
    annotations.push({
      text: MEASURE_TITLES[measure],
      x: (xDomain[0] + xDomain[1]) / 2,
      y: yDomain[1],
      xref: "paper",
      yref: "paper",
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      font: { size: 12 },
    });
    for (const [m, method] of methods.entries()) {
      const result = results[method];
      const labels = ["none", ...result.steps.map((_, k) => stepLabel(result, k))];
      const means = result.steps.map((s) => {
        const v = s.similarity[measure];
        return Number((v.reduce((a, b) => a + b, 0) / v.length).toFixed(4));
      });
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: method,
        legendgroup: method,
        showlegend: i === 0,
        x: labels,
        y: [1, ...means],
        line: { color: lineColor(m), dash: result.mode === "independent" ? "dash" : "solid" },
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        hovertemplate: `${method}<br>%{x}: %{y:.3f}<extra></extra>`,
      });
    }
  }
  const mode = results[methods[0]].mode;
  const title = options.title ??
    `Model parameter randomization (${mode}): similarity to the original maps`;
  return new Figure({
    data,
    layout: {
      title: { text: title },
      width: panelWidth * cols + 120,
      height: panelHeight * rows + 170,
      legend: { orientation: "h", y: -0.12 },
      margin: { l: 60, r: 20, t: 80, b: 60 },
      annotations,
      ...layout,
    },
    description: `Plotly figure: ${title} (${methods.length} methods, ${measures.length} measures)`,
  });
}
