/**
 * Read an executed notebook's outputs: errors per cell, MIME types, output sizes, and whether
 * every cell tagged `figure` shows a Plotly figure (and only those do).
 *
 * @example
 * ```ts
 * import { inspectNotebook } from "./inspect_notebook.ts";
 * const report = await inspectNotebook("out/notebooks/04_evaluate.ipynb");
 * if (report.errors.length > 0) throw new Error(JSON.stringify(report.errors));
 * if (report.figures.missing.length > 0) console.warn("figures missing", report.figures.missing);
 * ```
 *
 * @module
 */

/** The MIME type of a Plotly figure in a notebook output. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** The cell tag that marks a cell whose value is a Plotly figure. */
export const FIGURE_TAG = "figure";

/** One output of a {@linkcode CellReport}. */
export interface OutputReport {
  /** `execute_result`, `display_data`, `stream` or `error`. */
  outputType: string;
  /** The MIME types of its data (empty for streams and errors). */
  mimeTypes: string[];
  /** Its size as UTF-8 JSON, in bytes. */
  bytes: number;
}

/** One cell of a {@linkcode NotebookReport}. */
export interface CellReport {
  /** 0-based index among all cells, as Jupyter numbers them. */
  index: number;
  /** 1-based position among the code cells; absent for other cells. */
  codeCellNumber?: number;
  /** `code`, `markdown` or `raw`. */
  cellType: string;
  /** The cell's tags (metadata.tags). */
  tags: string[];
  /** The first line of the source. */
  firstLine: string;
  /** Each output's type, e.g. `["execute_result", "display_data"]`. */
  outputTypes: string[];
  /** The MIME types over all outputs, each once, e.g. `["text/html", "image/png"]`. */
  mimeTypes: string[];
  /** Each output's size in bytes (as UTF-8 JSON). */
  outputBytes: number[];
  /** Each output: its type, MIME types and size. */
  outputs: OutputReport[];
  /** The cell's error, if it raised. */
  error?: { ename: string; evalue: string };
  /** Text the cell wrote to stderr. */
  stderr: string;
}

/** Where a notebook's Plotly figures are, by 1-based code cell number. */
export interface FigureReport {
  /** Code cells tagged `figure`. */
  figureCells: number[];
  /** Code cells with at least one Plotly output, with how many. */
  plotlyCells: Map<number, number>;
  /** Figure cells without a Plotly output (e.g. the kernel dropped it). */
  missing: number[];
  /** Code cells with a Plotly output that are not tagged `figure`. */
  untagged: number[];
  /** The number of Plotly outputs in all. */
  plotlyOutputs: number;
}

/** What {@linkcode inspectNotebook} finds. */
export interface NotebookReport {
  /** Every cell, in order. */
  cells: CellReport[];
  /** The cells that raised. */
  errors: { index: number; ename: string; evalue: string }[];
  /** The largest single output, in bytes (the Deno kernel drops display outputs of ~8 MB). */
  maxOutputBytes: number;
  /** The number of outputs carrying each MIME type. */
  mimeCounts: Record<string, number>;
  /** The Plotly figures, against the cells tagged `figure`. */
  figures: FigureReport;
}

interface NbOutput {
  output_type: string;
  data?: Record<string, unknown>;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

interface NbCell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: NbOutput[];
}

const joined = (text: string | string[] | undefined) =>
  Array.isArray(text) ? text.join("") : text ?? "";

/**
 * Summarize the outputs of the notebook at `path`.
 *
 * @throws {SyntaxError} when the file is not JSON; {@linkcode Deno.errors.NotFound} when missing.
 */
export async function inspectNotebook(path: string): Promise<NotebookReport> {
  const nb = JSON.parse(await Deno.readTextFile(path)) as { cells: NbCell[] };
  const encoder = new TextEncoder();
  const cells: CellReport[] = [];
  const errors: NotebookReport["errors"] = [];
  const mimeCounts: Record<string, number> = {};
  const figureCells: number[] = [];
  const plotlyCells = new Map<number, number>();
  let plotlyOutputs = 0;
  let maxOutputBytes = 0;
  let codeCells = 0;
  for (const [index, cell] of nb.cells.entries()) {
    const outputs = cell.outputs ?? [];
    const tags = cell.metadata?.tags ?? [];
    const codeCellNumber = cell.cell_type === "code" ? ++codeCells : undefined;
    const outputReports = outputs.map((o) => ({
      outputType: o.output_type,
      mimeTypes: Object.keys(o.data ?? {}),
      bytes: encoder.encode(JSON.stringify(o)).length,
    }));
    const report: CellReport = {
      index,
      codeCellNumber,
      cellType: cell.cell_type,
      tags,
      firstLine: joined(cell.source).split("\n")[0],
      outputTypes: outputReports.map((o) => o.outputType),
      mimeTypes: [...new Set(outputReports.flatMap((o) => o.mimeTypes))],
      outputBytes: outputReports.map((o) => o.bytes),
      outputs: outputReports,
      stderr: outputs.filter((o) => o.output_type === "stream" && o.name === "stderr")
        .map((o) => joined(o.text)).join(""),
    };
    for (const o of outputs) {
      for (const m of Object.keys(o.data ?? {})) mimeCounts[m] = (mimeCounts[m] ?? 0) + 1;
      if (o.output_type === "error") {
        report.error = { ename: o.ename ?? "", evalue: o.evalue ?? "" };
        errors.push({ index, ...report.error });
      }
      if (codeCellNumber !== undefined && o.data && PLOTLY_MIME in o.data) {
        plotlyCells.set(codeCellNumber, (plotlyCells.get(codeCellNumber) ?? 0) + 1);
        plotlyOutputs++;
      }
    }
    if (codeCellNumber !== undefined && tags.includes(FIGURE_TAG)) figureCells.push(codeCellNumber);
    maxOutputBytes = Math.max(maxOutputBytes, ...report.outputBytes);
    cells.push(report);
  }
  return {
    cells,
    errors,
    maxOutputBytes,
    mimeCounts,
    figures: {
      figureCells,
      plotlyCells,
      missing: figureCells.filter((n) => !plotlyCells.has(n)),
      untagged: [...plotlyCells.keys()].filter((n) => !figureCells.includes(n)),
      plotlyOutputs,
    },
  };
}
