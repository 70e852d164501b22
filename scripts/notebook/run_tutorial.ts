/**
 * Run the tutorial the way `deno task tutorial` does: execute each notebook in order through the
 * Deno kernel, print each cell as it finishes and what the notebooks print, warn about figure
 * cells that came back without a figure, and export each executed notebook to HTML. Stops at
 * the first notebook with a failing cell.
 *
 * @example
 * ```ts
 * import { findJupyter } from "./find_tools.ts";
 * import { ensureDenoKernelspec } from "./deno_kernelspec.ts";
 * import { describeFailure } from "./execute_notebook.ts";
 * import { runTutorial } from "./run_tutorial.ts";
 * const tools = await findJupyter();
 * await ensureDenoKernelspec(tools);
 * const run = await runTutorial(tools, { quick: true });
 * if (run.failed) throw new Error(describeFailure(run.failed));
 * ```
 *
 * @module
 */
import { basename, join } from "node:path";
import {
  executeNotebook,
  type ExecuteNotebookOptions,
  type NotebookRun,
} from "./execute_notebook.ts";
import { exportHtml } from "./export_html.ts";
import type { JupyterTools } from "./find_tools.ts";
import { inspectNotebook } from "./inspect_notebook.ts";
import { NOTEBOOKS_DIR } from "./paths.ts";

/** Environment variable that switches the notebooks to quick mode when set to `1`. */
export const QUICK_ENV = "TUTORIAL_QUICK";

/** The tutorial's notebooks (`NN_*.ipynb`) in `dir`, in order. */
export async function listNotebooks(dir: string = NOTEBOOKS_DIR): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /^\d\d_.*\.ipynb$/.test(entry.name)) names.push(entry.name);
  }
  return names.sort().map((n) => join(dir, n));
}

/** Options of {@linkcode runTutorial}. */
export interface RunTutorialOptions
  extends Pick<ExecuteNotebookOptions, "outDir" | "cellTimeoutS"> {
  /**
   * Notebooks to run, in order.
   * @default every `NN_*.ipynb` in `notebooks/` ({@linkcode listNotebooks})
   */
  notebooks?: string[];
  /**
   * Run in quick mode ({@linkcode QUICK_ENV}`=1` in the kernel's environment; `0` otherwise).
   * @default false
   */
  quick?: boolean;
  /**
   * Where progress goes (notebook names, each cell, the notebooks' printed output).
   * @default console.log
   */
  log?: (line: string) => void;
  /**
   * Echo what the notebooks print (stdout/stderr streams) to `log`.
   * @default true
   */
  echoStreams?: boolean;
  /**
   * Export each executed notebook to HTML beside it.
   * @default true
   */
  html?: boolean;
}

/** One notebook's outcome in {@linkcode runTutorial}. */
export interface TutorialNotebookResult extends NotebookRun {
  /** The HTML export (absent when export was off or the notebook failed). */
  htmlPath?: string;
}

/** Result of {@linkcode runTutorial}. */
export interface TutorialRun {
  /** Notebooks that ran, in order (it stops after the first that fails). */
  results: TutorialNotebookResult[];
  /** The first failure, with its notebook. */
  failed?: TutorialNotebookResult;
  /** Total wall time in seconds. */
  seconds: number;
}

/** Lines of a stream chunk as a terminal would leave them ("\r" progress bars redrawn). */
function shownLines(text: string): string[] {
  return text.split("\n").map((line) => line.slice(line.lastIndexOf("\r") + 1).trimEnd())
    .filter((line) => line.length > 0);
}

/**
 * Execute the notebooks in order, exporting each to HTML. Never throws for a failing cell: the
 * failure is in `failed` (format it with `describeFailure`).
 *
 * @throws {Error} when Jupyter itself cannot run a notebook or export it.
 */
export async function runTutorial(
  tools: JupyterTools,
  options: RunTutorialOptions = {},
): Promise<TutorialRun> {
  const log = options.log ?? console.log;
  const echo = options.echoStreams ?? true;
  const notebooks = options.notebooks ?? await listNotebooks();
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  const results: TutorialNotebookResult[] = [];
  for (const [i, notebook] of notebooks.entries()) {
    log(`[${i + 1}/${notebooks.length}] ${basename(notebook)}`);
    const run = await executeNotebook(tools, notebook, {
      outDir: options.outDir,
      cellTimeoutS: options.cellTimeoutS,
      env: { [QUICK_ENV]: options.quick ? "1" : "0" },
      onEvent: (e) => {
        if (e.type === "cell-done") {
          log(`    cell ${e.codeCellNumber} done in ${e.seconds.toFixed(1)} s`);
        } else if (e.type === "stream" && echo) {
          for (const line of shownLines(e.text)) log(`      ${line}`);
        }
      },
    });
    const result: TutorialNotebookResult = { ...run };
    results.push(result);
    if (run.failure) return { results, failed: result, seconds: elapsed() };
    const { figures } = await inspectNotebook(run.executedPath);
    if (figures.missing.length > 0) {
      log(
        `    warning: no figure in code cell(s) ${figures.missing.join(", ")} (tagged ` +
          `"figure"): the kernel dropped the output; run the notebook again to see it`,
      );
    }
    if (options.html ?? true) result.htmlPath = await exportHtml(tools, run.executedPath);
    if (run.lateOutputs > 0) {
      log(`    ${run.lateOutputs} output(s) arrived after their cell finished and were kept`);
    }
    log(`    ok in ${run.seconds.toFixed(1)} s → ${result.htmlPath ?? run.executedPath}`);
  }
  return { results, seconds: elapsed() };
}
