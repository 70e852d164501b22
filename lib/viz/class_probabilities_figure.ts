/**
 * `classProbabilitiesFigure`: a bar chart of one prediction's class probabilities.
 *
 * @module
 */
import { type ArrayInput, toDense } from "./array_input.ts";
import { Figure } from "./figure.ts";

/** Options of {@linkcode classProbabilitiesFigure}. */
export interface ClassProbabilitiesFigureOptions {
  /** The true class index, marked in the chart and the title. @default undefined */
  trueLabel?: number;
  /**
   * Figure title.
   * @default "Class probabilities (predicted: <class>, p = <probability>)"
   */
  title?: string;
  /** Figure width in pixels. @default 600 */
  width?: number;
  /** Figure height in pixels. @default 400 */
  height?: number;
}

/**
 * Class probabilities of one prediction as bars, the predicted (most probable) class
 * highlighted, and the true class marked when given.
 *
 * @example
 * ```ts
 * import { classProbabilitiesFigure } from "../mod.ts";
 * classProbabilitiesFigure([0.1, 0.7, 0.2], ["cat", "dog", "bird"], { trueLabel: 1 });
 * ```
 *
 * @param probabilities `[classes]` or `[1, classes]` (array, `{ data, shape }` or `tf.Tensor`).
 * @param classNames one name per class.
 * @throws {TypeError} if lengths differ or the input holds more than one prediction.
 * @throws {RangeError} if `trueLabel` is not a class index.
 */
export function classProbabilitiesFigure(
  probabilities: ArrayInput | readonly number[],
  classNames: readonly string[],
  options: ClassProbabilitiesFigureOptions = {},
): Figure {
  const context = "Cannot draw class probabilities";
  const { data, shape } = toDense(probabilities, context, "probabilities");
  if (!(shape.length === 1 || (shape.length === 2 && shape[0] === 1))) {
    throw new TypeError(
      `${context}: probabilities must have shape [classes] or [1, classes], received ` +
        `[${shape}]. Pass one prediction (e.g. probs.slice(i, 1)).`,
    );
  }
  if (!Array.isArray(classNames) || classNames.length !== data.length) {
    throw new TypeError(
      `${context}: classNames must hold one name per class (${data.length}), received ${
        Array.isArray(classNames) ? classNames.length : typeof classNames
      }.`,
    );
  }
  const { trueLabel } = options;
  if (
    trueLabel !== undefined &&
    !(Number.isInteger(trueLabel) && trueLabel >= 0 && trueLabel < data.length)
  ) {
    throw new RangeError(
      `${context}: trueLabel must be a class index in 0..${
        data.length - 1
      }, received ${trueLabel}.`,
    );
  }
  let predicted = 0;
  for (let i = 1; i < data.length; i++) if (data[i] > data[predicted]) predicted = i;
  const colors = classNames.map((_, i) => (i === predicted ? "#d62728" : "#9ecae1"));
  const lineColors = classNames.map((_, i) => (i === trueLabel ? "#2ca02c" : "rgba(0,0,0,0)"));
  const p = data[predicted];
  const correctness = trueLabel === undefined
    ? ""
    : trueLabel === predicted
    ? ", correct"
    : `, true: ${classNames[trueLabel]}`;
  const title = options.title ??
    `Class probabilities (predicted: ${classNames[predicted]}, p = ${p.toFixed(3)}${correctness})`;
  return new Figure({
    data: [{
      type: "bar",
      x: [...classNames],
      y: Array.from(data),
      marker: { color: colors, line: { color: lineColors, width: 3 } },
      text: Array.from(data, (v) => v.toFixed(3)),
      textposition: "outside",
      hovertemplate: "%{x}: %{y:.4f}<extra></extra>",
    }],
    layout: {
      title: { text: title },
      width: options.width ?? 600,
      height: options.height ?? 400,
      xaxis: { title: { text: "class" }, type: "category", tickangle: -30 },
      yaxis: { title: { text: "probability" }, range: [0, 1.1] },
    },
    description: `Plotly figure: ${title}`,
  });
}
