/**
 * Execute a notebook headless, cell by cell, through a Jupyter kernel (the Deno kernel by
 * default), reporting each cell as it runs and stopping at the first cell that raises.
 *
 * Execution drives `nbclient` (Debian's `python3-nbclient`) through the Python program
 * `execute_notebook.py` beside this file rather than `jupyter nbconvert --execute`, so that it
 * can report progress, name the failing cell, still write the partly executed notebook, and work
 * around the Deno kernel's lossy output publishing (Deno 2.9: it can publish a cell's "idle"
 * status before the cell's last output, and loses messages queued behind a large one). The
 * driver attaches outputs that arrive late to the cell whose request they answer and flushes
 * the kernel's output channel after each cell; see its docstring for the measurements.
 *
 * The kernel runs with the notebook's folder as its working directory, so a notebook's
 * `import ... from "../lib/mod.ts"` resolves and Deno finds the repository's `deno.json`
 * (import map, `nodeModulesDir`) by walking up from there.
 *
 * @example
 * ```ts
 * import { findJupyter } from "./find_tools.ts";
 * import { describeFailure, executeNotebook } from "./execute_notebook.ts";
 * const run = await executeNotebook(await findJupyter(), "notebooks/01_load_data.ipynb", {
 *   outDir: "out/notebooks",
 *   env: { TUTORIAL_QUICK: "1" },
 *   onEvent: (e) => e.type === "cell-done" && console.log(`cell ${e.codeCellNumber} done`),
 * });
 * if (run.failure) throw new Error(describeFailure(run));
 * ```
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import type { JupyterTools } from "./find_tools.ts";
import { DEFAULT_OUT_DIR } from "./paths.ts";
import { QUIET_PYTHON_ENV } from "./run_command.ts";

/** The Python driver that {@linkcode executeNotebook} runs. */
export const DRIVER_PATH: string = join(import.meta.dirname!, "execute_notebook.py");

/** The prefix of the driver's event lines on stdout (`EVENT_PREFIX` in the driver). */
export const EVENT_PREFIX = "@@notebook-event ";

/** A cell that raised, as reported by the kernel. */
export interface CellFailure {
  /** 0-based index among all cells (markdown included), as Jupyter numbers them; -1 if unknown. */
  cellIndex: number;
  /** 1-based position among the notebook's code cells; -1 if unknown. */
  codeCellNumber: number;
  /** Error class name, e.g. `RangeError`. */
  ename: string;
  /** Error message. */
  evalue: string;
  /** The first lines of the cell's source. */
  source: string;
}

/** Progress events while a notebook executes. */
export type RunEvent =
  | { type: "cell-start"; cellIndex: number; codeCellNumber: number; codeCells: number }
  | { type: "cell-done"; cellIndex: number; codeCellNumber: number; seconds: number }
  | { type: "stream"; text: string }
  /** An output that reached the driver after its cell's "idle" status, attached to that cell. */
  | { type: "late-output"; cellIndex: number; msgType: string };

/** Result of {@linkcode executeNotebook}. */
export interface NotebookRun {
  /** The source notebook. */
  notebook: string;
  /** The executed notebook (written even when a cell failed). */
  executedPath: string;
  /** Wall time in seconds. */
  seconds: number;
  /** The failing cell, when one failed (later cells were not run). */
  failure?: CellFailure;
  /**
   * Outputs that arrived after their cell's "idle" status and were attached to it (the Deno
   * kernel delays large outputs on a loaded machine; plain nbclient would lose them).
   */
  lateOutputs: number;
}

/** Options of {@linkcode executeNotebook}. */
export interface ExecuteNotebookOptions {
  /**
   * Folder the executed notebook is written to (same file name as the source).
   * @default DEFAULT_OUT_DIR (`out/notebooks/` in the repository)
   */
  outDir?: string;
  /**
   * Extra environment variables for the kernel, e.g. `{ TUTORIAL_QUICK: "1" }`.
   * @default {}
   */
  env?: Record<string, string>;
  /**
   * Per-cell timeout in seconds.
   * @default 3600
   */
  cellTimeoutS?: number;
  /**
   * Kernel name.
   * @default "deno"
   */
  kernel?: string;
  /**
   * Called for each progress event.
   * @default undefined (silent)
   */
  onEvent?: (event: RunEvent) => void;
}

/**
 * Execute one notebook headless and write the executed copy to `outDir`. Stops at the first
 * cell that raises and reports it in `failure`.
 *
 * @throws {Error} when the driver itself fails (Jupyter missing, a bad notebook file), with the
 *   end of its stderr; never for a failing cell.
 */
export async function executeNotebook(
  tools: Pick<JupyterTools, "python">,
  notebook: string,
  options: ExecuteNotebookOptions = {},
): Promise<NotebookRun> {
  notebook = resolve(notebook);
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  await Deno.mkdir(outDir, { recursive: true });
  const executedPath = join(outDir, basename(notebook));
  const start = performance.now();
  const child = new Deno.Command(tools.python, {
    args: [
      DRIVER_PATH,
      notebook,
      executedPath,
      String(options.cellTimeoutS ?? 3600),
      options.kernel ?? "deno",
    ],
    cwd: dirname(notebook),
    env: { ...QUIET_PYTHON_ENV, NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const stderrText = new Response(child.stderr).text();
  let failure: CellFailure | undefined;
  let lateOutputs = 0;
  const handleLine = (line: string) => {
    if (!line.startsWith(EVENT_PREFIX)) return;
    const event = JSON.parse(line.slice(EVENT_PREFIX.length));
    if (event.type === "failure") {
      const { type: _type, ...rest } = event;
      failure = rest as CellFailure;
    } else {
      if (event.type === "late-output") lateOutputs++;
      options.onEvent?.(event as RunEvent);
    }
  };
  let pending = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    pending += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = pending.indexOf("\n")) >= 0) {
      handleLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  }
  if (pending) handleLine(pending);
  const status = await child.status;
  const stderr = await stderrText;
  const seconds = (performance.now() - start) / 1000;
  if (status.code !== 0 && failure === undefined) {
    throw new Error(
      `Cannot execute ${notebook}: the nbclient driver (${DRIVER_PATH}) exited with ` +
        `${status.code}.\n${stderr.trim().split("\n").slice(-20).join("\n")}`,
    );
  }
  return { notebook, executedPath, seconds, failure, lateOutputs };
}

/** Format a run for humans: the notebook, the failing cell, its error and first lines. */
export function describeFailure(run: NotebookRun): string {
  const f = run.failure;
  if (!f) return `${basename(run.notebook)}: ok`;
  const where = f.cellIndex >= 0
    ? `code cell ${f.codeCellNumber} (cell index ${f.cellIndex})`
    : "an unknown cell";
  const src = f.source ? `\n  cell source:\n${f.source.replace(/^/gm, "    | ")}` : "";
  return `${basename(run.notebook)} failed in ${where}: ${f.ename}: ${f.evalue}${src}\n` +
    `  executed notebook (with the error): ${run.executedPath}`;
}
