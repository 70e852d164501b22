/**
 * `visualizeText`: word attributions of text classifications as an HTML table (Captum's
 * `visualize_text` and `VisualizationDataRecord`).
 *
 * @module
 */
import { type ArrayInput, toDense } from "./array_input.ts";
import { HtmlOutput } from "../display/html_output.ts";

const CONTEXT = "Cannot visualize text attributions";

/** A class: its index or its name. */
export type TextClass = number | string;

/** Constructor fields of {@linkcode VisualizationDataRecord}, named as Captum's (camelCased). */
export interface VisualizationDataRecordInit {
  /** One attribution per word, 1-D, ideally in −1..1 (colours saturate outside). */
  wordAttributions: ArrayInput | readonly number[];
  /** The predicted class's probability. */
  predProb: number;
  /** The predicted class. */
  predClass: TextClass;
  /** The true class. */
  trueClass: TextClass;
  /** The class the attributions explain. */
  attrClass: TextClass;
  /** A score of the attributions, e.g. their sum. */
  attrScore: number;
  /** The words (tokens), at most one per attribution. */
  rawInputIds: readonly string[];
  /** The convergence delta, if the method has one (not shown in the table, as in Captum). */
  convergenceScore?: number;
}

/**
 * One row of {@linkcode visualizeText}: a text's words, their attributions and its
 * classification (Captum's `VisualizationDataRecord`). Tensors are read once, not kept.
 *
 * @example
 * ```ts
 * import { VisualizationDataRecord } from "../mod.ts";
 * const record = new VisualizationDataRecord({
 *   wordAttributions: [0.8, -0.3, 0.1],
 *   predProb: 0.92, predClass: "pos", trueClass: "pos", attrClass: "pos", attrScore: 0.6,
 *   rawInputIds: ["great", "but", "long"],
 * });
 * console.log(record.wordAttributions); // [0.8, -0.3, 0.1]
 * ```
 */
export class VisualizationDataRecord {
  readonly wordAttributions: readonly number[];
  readonly predProb: number;
  readonly predClass: TextClass;
  readonly trueClass: TextClass;
  readonly attrClass: TextClass;
  readonly attrScore: number;
  readonly rawInputIds: readonly string[];
  readonly convergenceScore: number | undefined;

  /**
   * @throws {TypeError} for word attributions that are not 1-D, words that are not strings, or
   *   more words than attributions.
   */
  constructor(init: VisualizationDataRecordInit) {
    const dense = toDense(init.wordAttributions, CONTEXT, "wordAttributions");
    if (dense.shape.length !== 1 && dense.data.length > 0) {
      throw new TypeError(
        `${CONTEXT}: wordAttributions must be 1-D (one value per word), received shape ` +
          `[${dense.shape.join(", ")}]. Sum the attributions over the embedding axis first.`,
      );
    }
    const words = init.rawInputIds;
    if (!Array.isArray(words) || !words.every((w) => typeof w === "string")) {
      throw new TypeError(
        `${CONTEXT}: rawInputIds must be an array of strings (the words), received ` +
          `${JSON.stringify(words)?.slice(0, 80)}. Pass the tokens as strings.`,
      );
    }
    if (dense.data.length > 0 && words.length > dense.data.length) {
      throw new TypeError(
        `${CONTEXT}: rawInputIds must have at most one word per attribution ` +
          `(${dense.data.length}), received ${words.length} words. Pass the attributions of ` +
          `every word.`,
      );
    }
    this.wordAttributions = Array.from(dense.data);
    this.predProb = init.predProb;
    this.predClass = init.predClass;
    this.trueClass = init.trueClass;
    this.attrClass = init.attrClass;
    this.attrScore = init.attrScore;
    this.rawInputIds = [...words];
    this.convergenceScore = init.convergenceScore;
  }
}

/** Options of {@linkcode visualizeText}. */
export interface VisualizeTextOptions {
  /** Show the colour legend (negative, neutral, positive) above the table. @default true */
  legend?: boolean;
}

/**
 * Captum's word colour: green for positive attributions (lightness 100% − 50%·a), red for
 * negative ones (100% − 40%·|a|), white for 0; values clipped to −1..1.
 */
export function wordColor(attr: number): string {
  const a = Math.max(-1, Math.min(1, attr));
  if (a > 0) return `hsl(120, 75%, ${100 - Math.trunc(50 * a)}%)`;
  return `hsl(0, 75%, ${100 - Math.trunc(-40 * a)}%)`;
}

/** `s` with the HTML special characters escaped. */
function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** Captum's special tokens: `<s>` shows as `#s`. */
function formatSpecialToken(token: string): string {
  return token.startsWith("<") && token.endsWith(">") ? `#${token.replace(/^<+|>+$/g, "")}` : token;
}

function classCell(text: string): string {
  return `<td><span style="padding-right:2em"><b>${escapeHtml(text)}</b></span></td>`;
}

function wordCells(words: readonly string[], importances: readonly number[]): string {
  if (importances.length === 0) return "<td></td>";
  const marks = words.map((word, i) =>
    `<mark style="background-color: ${wordColor(importances[i])}; opacity:1.0; ` +
    `line-height:1.75"><font color="black"> ${escapeHtml(formatSpecialToken(word))} </font></mark>`
  );
  return `<td>${marks.join("")}</td>`;
}

/**
 * An HTML table of text attributions, one row per record: true, predicted (with probability)
 * and attributed class, attribution score, and the words highlighted by attribution (Captum's
 * colours: green positive, red negative). Returns an {@linkcode HtmlOutput}, which shows as a
 * notebook cell's value. Unlike Captum it escapes the words and writes well-formed rows.
 *
 * @example
 * ```ts
 * import { VisualizationDataRecord, visualizeText } from "../mod.ts";
 * const record = new VisualizationDataRecord({
 *   wordAttributions: [0.8, -0.3, 0.1],
 *   predProb: 0.92, predClass: "pos", trueClass: "pos", attrClass: "pos", attrScore: 0.6,
 *   rawInputIds: ["great", "but", "long"],
 * });
 * const table = visualizeText([record]);
 * table; // as a notebook cell's value, this shows the table
 * ```
 *
 * @throws {TypeError} if a record is not a `VisualizationDataRecord`.
 */
export function visualizeText(
  datarecords: Iterable<VisualizationDataRecord>,
  options: VisualizeTextOptions = {},
): HtmlOutput {
  const { legend = true } = options;
  const records = [...datarecords];
  records.forEach((r, i) => {
    if (!(r instanceof VisualizationDataRecord)) {
      throw new TypeError(
        `${CONTEXT}: datarecords[${i}] must be a VisualizationDataRecord, received ` +
          `${
            r === null ? "null" : typeof r
          }. Build each row with new VisualizationDataRecord({...}).`,
      );
    }
  });
  const dom: string[] = [];
  if (legend) {
    const keys = ([[-1, "Negative"], [0, "Neutral"], [1, "Positive"]] as const).map(
      ([value, label]) =>
        `<span style="display: inline-block; width: 10px; height: 10px; border: 1px solid; ` +
        `background-color: ${wordColor(value)}"></span> ${label}  `,
    );
    dom.push(
      `<div style="border-top: 1px solid; margin-top: 5px; padding-top: 5px; ` +
        `display: inline-block"><b>Legend: </b>${keys.join("")}</div>`,
    );
  }
  dom.push(
    '<table style="width: 100%"><tr><th>True Label</th><th>Predicted Label</th>' +
      "<th>Attribution Label</th><th>Attribution Score</th><th>Word Importance</th></tr>",
  );
  for (const r of records) {
    dom.push(
      "<tr>" + classCell(String(r.trueClass)) +
        classCell(`${r.predClass} (${r.predProb.toFixed(2)})`) +
        classCell(String(r.attrClass)) + classCell(r.attrScore.toFixed(2)) +
        wordCells(r.rawInputIds, r.wordAttributions) + "</tr>",
    );
  }
  dom.push("</table>");
  return new HtmlOutput(
    dom.join(""),
    `Text attributions: ${records.length} record${records.length === 1 ? "" : "s"}`,
  );
}
