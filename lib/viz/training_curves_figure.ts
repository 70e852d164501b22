/**
 * `trainingCurvesFigure`: loss and accuracy per epoch.
 *
 * @module
 */
import type { PlotlyTrace } from "../display/figure_spec.ts";
import { Figure } from "./figure.ts";

/**
 * Per-epoch metrics, as recorded during training (any subset). `trainClassifier`'s
 * `TrainingHistory` fits as is; other fields are ignored.
 */
export interface TrainingCurves {
  /** Training loss per epoch. */
  trainLoss?: readonly number[];
  /** Validation loss per epoch. */
  valLoss?: readonly number[];
  /** Training accuracy per epoch (0..1). */
  trainAccuracy?: readonly number[];
  /** Validation accuracy per epoch (0..1). */
  valAccuracy?: readonly number[];
  /** Epoch numbers (x axis). @default 1, 2, … */
  epochNumbers?: readonly number[];
}

/** Options of {@linkcode trainingCurvesFigure}. */
export interface TrainingCurvesFigureOptions {
  /** Figure title. @default "Training curves: loss and accuracy per epoch" */
  title?: string;
  /** Figure width in pixels. @default 900 (450 with loss only) */
  width?: number;
  /** Figure height in pixels. @default 400 */
  height?: number;
}

const SERIES = [
  ["trainLoss", "train loss", "#1f77b4", "solid", "loss"],
  ["valLoss", "validation loss", "#ff7f0e", "dash", "loss"],
  ["trainAccuracy", "train accuracy", "#1f77b4", "solid", "acc"],
  ["valAccuracy", "validation accuracy", "#2ca02c", "dash", "acc"],
] as const;

/**
 * Loss (left) and accuracy (right) per epoch, for whichever of `trainLoss`, `valLoss`,
 * `trainAccuracy`, `valAccuracy` are given.
 *
 * @example
 * ```ts
 * import { trainingCurvesFigure } from "../mod.ts";
 * trainingCurvesFigure({ trainLoss: [0.9, 0.5, 0.4], valLoss: [0.7, 0.5, 0.45], valAccuracy: [0.75, 0.82, 0.85] });
 * ```
 *
 * @throws {TypeError} if no series is given, a series is not an array of numbers, or lengths
 *   differ from `epochNumbers`.
 */
export function trainingCurvesFigure(
  history: TrainingCurves,
  options: TrainingCurvesFigureOptions = {},
): Figure {
  const context = "Cannot draw training curves";
  const given = SERIES.filter(([key]) => history?.[key] !== undefined);
  if (given.length === 0) {
    throw new TypeError(
      `${context}: history must have at least one of trainLoss, valLoss, trainAccuracy, ` +
        `valAccuracy, received ${JSON.stringify(history)}.`,
    );
  }
  for (const [key] of given) {
    const s = history[key];
    if (!Array.isArray(s) || s.some((v) => typeof v !== "number")) {
      throw new TypeError(`${context}: history.${key} must be an array of numbers.`);
    }
    if (history.epochNumbers !== undefined && s.length !== history.epochNumbers.length) {
      throw new TypeError(
        `${context}: history.${key} has ${s.length} values but epochNumbers has ` +
          `${history.epochNumbers.length}. Pass one value per epoch.`,
      );
    }
  }
  const hasLoss = given.some((g) => g[4] === "loss");
  const hasAcc = given.some((g) => g[4] === "acc");
  const both = hasLoss && hasAcc;
  const data: PlotlyTrace[] = given.map(([key, name, color, dash, kind]) => {
    const s = history[key]!;
    const x = history.epochNumbers ? [...history.epochNumbers] : s.map((_, i) => i + 1);
    const second = both && kind === "acc";
    return {
      type: "scatter",
      mode: "lines+markers",
      name,
      x,
      y: [...s],
      line: { color, dash },
      xaxis: second ? "x2" : "x",
      yaxis: second ? "y2" : "y",
      hovertemplate: `epoch %{x}<br>${name}: %{y:.4f}<extra></extra>`,
    };
  });
  const title = options.title ??
    (both
      ? "Training curves: loss and accuracy per epoch"
      : hasLoss
      ? "Training curves: loss per epoch"
      : "Training curves: accuracy per epoch");
  const lossAxis = { title: { text: "loss" }, rangemode: "tozero" };
  const accAxis = { title: { text: "accuracy" }, tickformat: ".0%" };
  const layout: Record<string, unknown> = both
    ? {
      xaxis: { title: { text: "epoch" }, domain: [0, 0.44], dtick: 1 },
      yaxis: { ...lossAxis, anchor: "x" },
      xaxis2: { title: { text: "epoch" }, domain: [0.56, 1], anchor: "y2", dtick: 1 },
      yaxis2: { ...accAxis, anchor: "x2" },
      annotations: [
        {
          text: "Loss",
          x: 0.22,
          y: 1.02,
          xref: "paper",
          yref: "paper",
          showarrow: false,
          yanchor: "bottom",
        },
        {
          text: "Accuracy",
          x: 0.78,
          y: 1.02,
          xref: "paper",
          yref: "paper",
          showarrow: false,
          yanchor: "bottom",
        },
      ],
    }
    : { xaxis: { title: { text: "epoch" }, dtick: 1 }, yaxis: hasLoss ? lossAxis : accAxis };
  return new Figure({
    data,
    layout: {
      title: { text: title },
      width: options.width ?? (both ? 900 : 450),
      height: options.height ?? 400,
      legend: { orientation: "h", y: -0.2 },
      ...layout,
    },
    description: `Plotly figure: ${title} (${given.map((g) => g[1]).join(", ")})`,
  });
}
