/**
 * Per-class precision, recall, F1 and support with macro and weighted averages, and a text
 * rendering identical to scikit-learn's `classification_report`.
 *
 * @module
 */
import { accuracy } from "./accuracy.ts";
import { confusionMatrix } from "./confusion_matrix.ts";

/** Precision, recall, F1 and support of one class or an average. */
export interface ClassScores {
  /** Correct predictions of the class / all predictions of the class (0 when never predicted). */
  precision: number;
  /** Correct predictions of the class / examples of the class (0 without examples). */
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
  /** Number of examples of the class (for averages: all examples). */
  support: number;
}

/** A row of the report: a class and its scores. */
export interface ClassReport extends ClassScores {
  /** Class name (from `classNames`, else the class index as text). */
  name: string;
}

/** The result of {@linkcode classificationReport}. */
export interface ClassificationReport {
  /** One entry per class, in class-index order. */
  classes: ClassReport[];
  /** Overall accuracy. */
  accuracy: number;
  /** Unweighted mean of the per-class scores. */
  macroAvg: ClassScores;
  /** Mean of the per-class scores weighted by support. */
  weightedAvg: ClassScores;
}

/** Options of {@linkcode classificationReport}. */
export interface ClassificationReportOptions {
  /**
   * Name of each class; its length sets the number of classes.
   * @default the class indices "0", "1", … up to the largest label seen
   */
  classNames?: readonly string[];
}

/**
 * Precision, recall, F1 and support for every class, plus accuracy and macro and weighted
 * averages, as scikit-learn's `classification_report(..., labels=range(C), zero_division=0)`:
 * a class never predicted has precision 0, a class without examples has recall 0, and both count
 * in the macro average.
 *
 * @example
 * ```ts
 * import { classificationReport, formatClassificationReport } from "../mod.ts";
 * const report = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]);
 * console.log(report.classes[1].precision); // 0
 * console.log(formatClassificationReport(report));
 * ```
 *
 * @throws {TypeError} if the lengths differ. @throws {RangeError} if a label is out of range.
 */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  let numClasses = options.classNames?.length;
  if (numClasses === undefined) {
    let max = -1;
    for (let i = 0; i < yTrue.length; i++) max = Math.max(max, yTrue[i], yPred[i] ?? -1);
    numClasses = max + 1;
  }
  const { counts } = confusionMatrix(yTrue, yPred, numClasses);
  const classes: ClassReport[] = counts.map((row, k) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = counts.reduce((sum, r) => sum + r[k], 0);
    const tp = row[k];
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { name: options.classNames?.[k] ?? String(k), precision, recall, f1, support };
  });
  const total = yTrue.length;
  const average = (weight: (c: ClassReport) => number, norm: number): ClassScores => ({
    precision: classes.reduce((s, c) => s + weight(c) * c.precision, 0) / norm,
    recall: classes.reduce((s, c) => s + weight(c) * c.recall, 0) / norm,
    f1: classes.reduce((s, c) => s + weight(c) * c.f1, 0) / norm,
    support: total,
  });
  return {
    classes,
    accuracy: accuracy(yTrue, yPred),
    macroAvg: average(() => 1, classes.length),
    weightedAvg: average((c) => c.support, total),
  };
}

/**
 * `value.toFixed(digits)` with Python's rounding of exact ties to even (`f"{0.125:.2f}"` is
 * `"0.12"`), so the text matches scikit-learn's.
 */
function formatFixed(value: number, digits: number): string {
  const scale = 10 ** digits;
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && (floor + 0.5) / scale === value && floor % 2 === 0) {
    return (floor / scale).toFixed(digits);
  }
  return value.toFixed(digits);
}

/** Options of {@linkcode formatClassificationReport}. */
export interface FormatClassificationReportOptions {
  /**
   * Digits after the decimal point.
   * @default 2
   */
  digits?: number;
}

/**
 * Render a report as scikit-learn's `classification_report` prints it: a header, one row per
 * class, then accuracy, macro avg and weighted avg rows, columns right-aligned.
 *
 * @example
 * ```ts
 * import { classificationReport, formatClassificationReport } from "../mod.ts";
 * console.log(formatClassificationReport(classificationReport([0, 1, 1], [0, 1, 0])));
 * //               precision    recall  f1-score   support
 * //
 * //            0       0.50      1.00      0.67         1
 * //            1       1.00      0.50      0.67         2
 * //
 * //     accuracy                           0.67         3
 * //    macro avg       0.75      0.75      0.67         3
 * // weighted avg       0.83      0.67      0.67         3
 * ```
 */
export function formatClassificationReport(
  report: ClassificationReport,
  options: FormatClassificationReportOptions = {},
): string {
  const digits = options.digits ?? 2;
  const width = Math.max(
    "weighted avg".length,
    digits,
    ...report.classes.map((c) => c.name.length),
  );
  const col = (s: string) => s.padStart(9);
  const num = (v: number) => col(formatFixed(v, digits));
  const row = (name: string, s: ClassScores) =>
    `${name.padStart(width)}  ${num(s.precision)} ${num(s.recall)} ${num(s.f1)} ${
      col(String(s.support))
    }\n`;
  let text = `${"".padStart(width)}  ${
    ["precision", "recall", "f1-score", "support"].map(col).join(" ")
  }\n\n`;
  for (const c of report.classes) text += row(c.name, c);
  text += "\n";
  const total = report.macroAvg.support;
  text += `${"accuracy".padStart(width)}  ${col("")} ${col("")} ${num(report.accuracy)} ${
    col(String(total))
  }\n`;
  text += row("macro avg", report.macroAvg);
  text += row("weighted avg", report.weightedAvg);
  return text;
}
