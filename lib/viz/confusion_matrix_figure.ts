/**
 * `confusionMatrixFigure`: a confusion matrix as an annotated heat map.
 *
 * @module
 */
import { type ArrayInput, toDense } from "./array_input.ts";
import { BLUES, plotlyColorscale } from "./_colormaps.ts";
import { Figure } from "./figure.ts";

/** Options of {@linkcode confusionMatrixFigure}. */
export interface ConfusionMatrixFigureOptions {
  /** Show each row divided by its sum (recall per true class) instead of counts. @default false */
  normalize?: boolean;
  /** Figure title. @default "Confusion matrix (counts)" or "Confusion matrix (row-normalized)" */
  title?: string;
  /** Figure width in pixels. @default 60 per class + 220, at least 500 */
  width?: number;
  /** Figure height in pixels. @default 50 per class + 200, at least 450 */
  height?: number;
}

/**
 * A confusion matrix heat map: true labels down the y axis ("True label"), predicted labels
 * along the x axis ("Predicted label"), each non-zero cell annotated with its count (or its
 * row fraction with `normalize`), zero cells left blank.
 *
 * @example
 * ```ts
 * import { confusionMatrixFigure } from "../mod.ts";
 * const fig = confusionMatrixFigure([[5, 1], [0, 7]], ["cat", "dog"], { normalize: true });
 * fig; // as a notebook cell's value, this shows the figure
 * ```
 *
 * @param counts `counts[t][p]` = number of examples of true class t predicted as p
 *   (`number[][]`, `{ data, shape }`, a `tf.Tensor` (read, not disposed), or the result of
 *   `confusionMatrix()`, whose `counts` are used).
 * @param classNames one name per class, in index order.
 * @throws {TypeError} if `counts` is not square or does not match `classNames`.
 * @throws {RangeError} if a count is negative or not finite.
 */
export function confusionMatrixFigure(
  counts: ArrayInput | { readonly counts: readonly (readonly number[])[] },
  classNames: readonly string[],
  options: ConfusionMatrixFigureOptions = {},
): Figure {
  const context = "Cannot draw the confusion matrix";
  const input = typeof counts === "object" && counts !== null && "counts" in counts &&
      Array.isArray(counts.counts)
    ? counts.counts
    : counts as ArrayInput;
  const { data, shape } = toDense(input, context, "counts");
  if (shape.length !== 2 || shape[0] !== shape[1]) {
    throw new TypeError(
      `${context}: counts must be a square matrix [classes, classes], received shape [${shape}].`,
    );
  }
  const n = shape[0];
  if (!Array.isArray(classNames) || classNames.length !== n) {
    throw new TypeError(
      `${context}: classNames must hold one name per class (${n}), received ${
        Array.isArray(classNames) ? classNames.length : typeof classNames
      }.`,
    );
  }
  for (const v of data) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(
        `${context}: counts must be finite and non-negative, received ${v}.`,
      );
    }
  }
  const { normalize = false } = options;
  const z: (number | null)[][] = [];
  const text: string[][] = [];
  for (let t = 0; t < n; t++) {
    let sum = 0;
    for (let p = 0; p < n; p++) sum += data[t * n + p];
    const row: (number | null)[] = [], trow: string[] = [];
    for (let p = 0; p < n; p++) {
      const c = data[t * n + p];
      const v = normalize ? (sum > 0 ? c / sum : 0) : c;
      row.push(c === 0 ? null : v);
      trow.push(c === 0 ? "" : normalize ? v.toFixed(2) : String(c));
    }
    z.push(row);
    text.push(trow);
  }
  const title = options.title ??
    (normalize ? "Confusion matrix (row-normalized)" : "Confusion matrix (counts)");
  let total = 0, correct = 0;
  for (let t = 0; t < n; t++) {
    for (let p = 0; p < n; p++) {
      total += data[t * n + p];
      if (t === p) correct += data[t * n + p];
    }
  }
  return new Figure({
    data: [{
      type: "heatmap",
      x: [...classNames],
      y: [...classNames],
      z,
      text,
      texttemplate: "%{text}",
      colorscale: plotlyColorscale(BLUES),
      zmin: 0,
      zmax: normalize ? 1 : undefined,
      hoverongaps: false,
      xgap: 1,
      ygap: 1,
      colorbar: { title: { text: normalize ? "fraction of row" : "count" } },
      hovertemplate: `True: %{y}<br>Predicted: %{x}<br>${
        normalize ? "Fraction: %{z:.3f}" : "Count: %{z}"
      }<extra></extra>`,
    }],
    layout: {
      title: { text: title },
      width: options.width ?? Math.max(500, 60 * n + 220),
      height: options.height ?? Math.max(450, 50 * n + 200),
      xaxis: {
        title: { text: "Predicted label" },
        type: "category",
        tickangle: -45,
        side: "bottom",
      },
      yaxis: { title: { text: "True label" }, type: "category", autorange: "reversed" },
      plot_bgcolor: "white",
    },
    description: `Plotly figure: ${title}, ${n} classes, ${total} examples, accuracy ${
      total > 0 ? (correct / total).toFixed(4) : "n/a"
    }`,
  });
}
