/**
 * Private helper of `deno task tutorial` and of the notebook test: find Jupyter, install the Deno
 * kernelspec, execute the tutorial's notebooks headless (one at a time, in order, through the
 * Deno kernel) and export them to HTML.
 *
 * Execution drives `nbclient` (Debian's `python3-nbclient`) through a tiny embedded Python
 * program rather than `jupyter nbconvert --execute`, so that it can report each cell as it runs,
 * stop at the first failing cell, name that cell, and still write the partly executed notebook.
 * The kernel runs with the notebook's folder as its working directory, so a notebook's
 * `import ... from "../lib/mod.ts"` resolves and Deno finds the repository's `deno.json`
 * (import map, `nodeModulesDir`) by walking up from there.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { run, type RunResult } from "./_jupyter.ts";

/** The repository root (this file lives in `scripts/`). */
export const REPO_ROOT: string = resolve(import.meta.dirname!, "..");
/** Where the tutorial's notebooks live. */
export const NOTEBOOKS_DIR: string = join(REPO_ROOT, "notebooks");
/** Where executed notebooks and HTML exports go by default (git-ignored). */
export const DEFAULT_OUT_DIR: string = join(REPO_ROOT, "out", "notebooks");
/** Environment variable that switches the notebooks to quick mode when set to `1`. */
export const QUICK_ENV = "TUTORIAL_QUICK";

/** How to install what the runner needs on Debian/Ubuntu. */
export const JUPYTER_INSTALL_HINT =
  "Install Jupyter with: sudo apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-notebook";

/** The Python interpreter and `jupyter` entry point the runner uses. */
export interface JupyterTools {
  /** A Python 3 that can import `nbclient`, `nbformat` and `jupyter_client`. */
  python: string;
  /** The `jupyter` command (used for `kernelspec` and `nbconvert`). */
  jupyter: string;
}

/** Environment that keeps Debian's Python quiet about its debugger (noise on every start). */
const QUIET_PYTHON_ENV = { PYDEVD_DISABLE_FILE_VALIDATION: "1", PYTHONWARNINGS: "ignore" };

async function commandOutput(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  try {
    return await run(cmd, args, { cwd: options.cwd, env: { ...QUIET_PYTHON_ENV, ...options.env } });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${cmd}: not found` };
    }
    throw error;
  }
}

/**
 * Find a Python with `nbclient` and a `jupyter` command. Prefers Debian's `/usr/bin/python3` and
 * `/usr/bin/jupyter` (a different `python3` may come first on `PATH`).
 *
 * @throws {Error} when none is usable, with {@linkcode JUPYTER_INSTALL_HINT}.
 */
export async function findJupyter(): Promise<JupyterTools> {
  const pythons = ["/usr/bin/python3", "python3"];
  const jupyters = ["/usr/bin/jupyter", "jupyter"];
  let python: string | undefined;
  for (const p of pythons) {
    const r = await commandOutput(p, [
      "-c",
      "import nbclient, nbformat, jupyter_client, nbconvert",
    ]);
    if (r.code === 0) {
      python = p;
      break;
    }
  }
  let jupyter: string | undefined;
  for (const j of jupyters) {
    const r = await commandOutput(j, ["nbconvert", "--version"]);
    if (r.code === 0) {
      jupyter = j;
      break;
    }
  }
  if (python === undefined || jupyter === undefined) {
    throw new Error(
      `Cannot run the tutorial notebooks: Jupyter was not found (${
        python === undefined
          ? "no python3 can import nbclient, nbformat, jupyter_client and nbconvert"
          : "no `jupyter nbconvert` command"
      }). ${JUPYTER_INSTALL_HINT}`,
    );
  }
  return { python, jupyter };
}

/**
 * Make sure Jupyter knows the Deno kernel (`deno jupyter --install` when `deno` is missing from
 * `jupyter kernelspec list`). Returns true when it had to install it.
 */
export async function ensureDenoKernelspec(tools: JupyterTools): Promise<boolean> {
  const list = await commandOutput(tools.jupyter, ["kernelspec", "list", "--json"]);
  if (list.code === 0) {
    try {
      const specs = JSON.parse(list.stdout).kernelspecs ?? {};
      if ("deno" in specs) return false;
    } catch {
      // fall through and install
    }
  }
  const install = await commandOutput(Deno.execPath(), ["jupyter", "--install"]);
  if (install.code !== 0) {
    throw new Error(
      `Cannot install the Deno Jupyter kernel: \`deno jupyter --install\` exited with ${install.code}: ${install.stderr.trim()}`,
    );
  }
  return true;
}

/** The tutorial's notebooks (`NN_*.ipynb`), in order. */
export async function listNotebooks(dir: string = NOTEBOOKS_DIR): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /^\d\d_.*\.ipynb$/.test(entry.name)) names.push(entry.name);
  }
  return names.sort().map((n) => join(dir, n));
}

/** A cell that raised, as reported by the kernel. */
export interface CellFailure {
  /** 0-based index among all cells (markdown included), as Jupyter numbers them. */
  cellIndex: number;
  /** 1-based position among the notebook's code cells. */
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
  /** An output that reached the runner after its cell's "idle" status, attached to that cell. */
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
   * kernel delays large outputs on a loaded machine; without the runner they would be lost).
   */
  lateOutputs: number;
}

/** Options of {@linkcode executeNotebook}. */
export interface ExecuteNotebookOptions {
  /**
   * Folder the executed notebook is written to (same file name).
   * @default DEFAULT_OUT_DIR
   */
  outDir?: string;
  /**
   * Run in quick mode (`TUTORIAL_QUICK=1` in the kernel's environment).
   * @default false
   */
  quick?: boolean;
  /**
   * Per-cell timeout in seconds.
   * @default 3600
   */
  cellTimeoutS?: number;
  /**
   * Called for each progress event.
   * @default undefined (silent)
   */
  onEvent?: (event: RunEvent) => void;
}

const EVENT_PREFIX = "@@tutorial-runner ";

// The embedded nbclient driver: argv = notebook, executed path, cell timeout (s).
//
// Besides reporting progress, it works around the Deno kernel's unordered, lossy IOPub
// publishing (Deno 2.9; see lib/display/_jupyter_api.ts). Measured here under CPU load:
// - the kernel can publish a cell's "idle" status before that cell's last outputs: the
//   execute_result of a cell value (even a 4-byte one; 1 cell in 6 at load 5, ~10 ms late) and
//   sometimes a display_data sent just before the cell ended. nbclient stops listening at
//   "idle" and ignores them, so the output is lost from the executed notebook;
// - it publishes with a non-blocking send (zeromq-rs PUB: try_send, then one flush attempt with
//   a no-op waker), so a large output is partly queued and only pushed out with the next
//   message, and a message sent while more than 128 KiB are queued is silently dropped.
// The driver therefore
// - attaches any output whose parent is an earlier cell's request to that cell, whenever it
//   arrives;
// - after each cell, sends kernel_info requests until one's "idle" status comes back (each
//   request makes the kernel send messages, which pushes out what it still queues for the
//   cell), then keeps listening until IOPub has been quiet for 0.1 s (about 0.1 s per cell);
// - drops the empty text/plain execute_result a figure leaves when it sent itself as
//   display_data (its cell value carries nothing else).
const DRIVER = String.raw`
import json, os, sys, time
from queue import Empty
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async
from nbformat.v4 import output_from_msg

src, dst, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(src, as_version=4)
code_idx = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
P = "` + EVENT_PREFIX + String.raw`"
LATE_TYPES = ("execute_result", "display_data", "stream", "error")

def emit(**kw):
    sys.stdout.write(P + json.dumps(kw) + "\n")
    sys.stdout.flush()

class Client(NotebookClient):
    cells_by_request = {}

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            emit(type="stream", text=msg["content"].get("text", ""))
        return super().output(outs, msg, display_id, cell_index)

    def late_output(self, msg):
        entry = self.cells_by_request.get(msg["parent_header"].get("msg_id"))
        if entry is None or msg["msg_type"] not in LATE_TYPES:
            return
        cell, cell_index = entry
        cell.outputs.append(output_from_msg(msg))
        emit(type="late-output", cellIndex=cell_index, msgType=msg["msg_type"])

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self.cells_by_request[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self.late_output(msg)

    async def flush_iopub(self, attempts=10, wait_s=2.0, grace_s=0.1):
        for _ in range(attempts):
            request = self.kc.kernel_info()
            deadline = time.monotonic() + wait_s
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
                except Empty:
                    break
                if msg["parent_header"].get("msg_id") == request:
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        await self.linger(grace_s)
                        return True
                else:
                    self.late_output(msg)
        return False

    async def linger(self, quiet_s):
        # Keep attaching late outputs until the IOPub channel has been quiet for quiet_s.
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=quiet_s))
            except Empty:
                return
            self.late_output(msg)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            if cell.cell_type == "code" and cell.source.strip():
                try:
                    if not await self.flush_iopub():
                        emit(type="stream", text="warning: the kernel did not answer the IOPub flush after cell %d\n" % cell_index)
                except Exception:
                    pass

started = {}
def on_start(cell, cell_index, **kw):
    if cell_index not in code_idx:
        return
    started[cell_index] = time.time()
    emit(type="cell-start", cellIndex=cell_index, codeCellNumber=code_idx.index(cell_index) + 1,
         codeCells=len(code_idx))
def on_done(cell, cell_index, **kw):
    if cell_index not in code_idx:
        return
    emit(type="cell-done", cellIndex=cell_index, codeCellNumber=code_idx.index(cell_index) + 1,
         seconds=time.time() - started.get(cell_index, time.time()))
failure = {}
def on_error(cell, cell_index, execute_reply, **kw):
    content = execute_reply.get("content", {})
    number = code_idx.index(cell_index) + 1 if cell_index in code_idx else -1
    failure.update(cellIndex=cell_index, codeCellNumber=number,
                   ename=content.get("ename", "Error"), evalue=content.get("evalue", ""),
                   source="\n".join(cell.source.splitlines()[:6]))

client = Client(nb, timeout=timeout, kernel_name="deno",
                resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
                on_cell_start=on_start, on_cell_executed=on_done, on_cell_error=on_error)
code = 0
try:
    client.execute()
except CellExecutionError as e:
    if not failure:
        failure.update(cellIndex=-1, codeCellNumber=-1, ename="CellExecutionError",
                       evalue=str(e)[:2000], source="")
    code = 1
except Exception as e:
    failure.update(cellIndex=-1, codeCellNumber=-1, ename=type(e).__name__,
                   evalue=str(e)[:2000], source="")
    code = 1
def placeholder(o):
    return o.get("output_type") == "execute_result" and dict(o.get("data", {})) == {"text/plain": ""}
for cell in nb.cells:
    if cell.cell_type == "code":
        cell.outputs = [o for o in cell.outputs if not placeholder(o)]
os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
nbformat.write(nb, dst)
if failure:
    emit(type="failure", **failure)
sys.exit(code)
`;

/**
 * Execute one notebook headless through the Deno kernel and write the executed copy to `outDir`.
 * Stops at the first cell that raises and reports it in `failure` (does not throw for a failing
 * cell; throws when Jupyter itself cannot run).
 */
export async function executeNotebook(
  tools: JupyterTools,
  notebook: string,
  options: ExecuteNotebookOptions = {},
): Promise<NotebookRun> {
  notebook = resolve(notebook);
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  await Deno.mkdir(outDir, { recursive: true });
  const executedPath = join(outDir, basename(notebook));
  const env: Record<string, string> = { ...QUIET_PYTHON_ENV, NO_COLOR: "1" };
  env[QUICK_ENV] = options.quick ? "1" : "0";
  const start = performance.now();
  const child = new Deno.Command(tools.python, {
    args: ["-c", DRIVER, notebook, executedPath, String(options.cellTimeoutS ?? 3600)],
    cwd: dirname(notebook),
    env,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const stderrText = new Response(child.stderr).text();
  let failure: CellFailure | undefined;
  let lateOutputs = 0;
  let pending = "";
  const decoder = new TextDecoder();
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
      `Cannot execute ${notebook}: the nbclient driver exited with ${status.code}.\n${
        stderr.trim().split("\n").slice(-20).join("\n")
      }`,
    );
  }
  return { notebook, executedPath, seconds, failure, lateOutputs };
}

/**
 * Export an executed notebook to HTML next to it (`jupyter nbconvert --to html`); returns the
 * HTML file's path.
 */
export async function exportHtml(tools: JupyterTools, executedPath: string): Promise<string> {
  const r = await commandOutput(tools.jupyter, [
    "nbconvert",
    "--to",
    "html",
    "--output-dir",
    dirname(executedPath),
    executedPath,
  ]);
  if (r.code !== 0) {
    throw new Error(
      `Cannot export ${executedPath} to HTML: jupyter nbconvert exited with ${r.code}: ${
        r.stderr.trim().split("\n").slice(-10).join("\n")
      }`,
    );
  }
  return executedPath.replace(/\.ipynb$/, ".html");
}

/** Options of {@linkcode runTutorial}. */
export interface RunTutorialOptions extends Omit<ExecuteNotebookOptions, "onEvent"> {
  /**
   * Notebooks to run, in order.
   * @default every `NN_*.ipynb` in `notebooks/`
   */
  notebooks?: string[];
  /**
   * Print progress (notebook names, each cell, the notebooks' printed output).
   * @default console.log
   */
  log?: (line: string) => void;
  /**
   * Echo what the notebooks print (stdout/stderr streams) to `log`.
   * @default true
   */
  echoStreams?: boolean;
  /**
   * Export each executed notebook to HTML.
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
  /** Notebooks that ran, in order (stops after the first that fails). */
  results: TutorialNotebookResult[];
  /** The first failure, with its notebook. */
  failed?: TutorialNotebookResult;
  /** Total wall time in seconds. */
  seconds: number;
}

/** Format a failure for humans: notebook, cell, error, and the cell's first lines. */
export function describeFailure(run: NotebookRun): string {
  const f = run.failure;
  if (!f) return `${basename(run.notebook)}: ok`;
  const where = f.cellIndex >= 0
    ? `code cell ${f.codeCellNumber} (cell index ${f.cellIndex})`
    : "an unknown cell";
  const src = f.source ? `\n  cell source:\n${f.source.replace(/^/gm, "    | ")}` : "";
  return `${
    basename(run.notebook)
  } failed in ${where}: ${f.ename}: ${f.evalue}${src}\n  executed notebook (with the error): ${run.executedPath}`;
}

/**
 * Run the tutorial: install the Deno kernelspec if needed, execute every notebook in order,
 * export each to HTML. Stops at the first notebook with a failing cell.
 */
export async function runTutorial(
  tools: JupyterTools,
  options: RunTutorialOptions = {},
): Promise<TutorialRun> {
  const log = options.log ?? console.log;
  const echo = options.echoStreams ?? true;
  const notebooks = options.notebooks ?? await listNotebooks();
  const start = performance.now();
  const results: TutorialNotebookResult[] = [];
  for (const [i, notebook] of notebooks.entries()) {
    log(`[${i + 1}/${notebooks.length}] ${basename(notebook)}`);
    const run = await executeNotebook(tools, notebook, {
      ...options,
      onEvent: (e) => {
        if (e.type === "cell-done") {
          log(`    cell ${e.codeCellNumber} done in ${e.seconds.toFixed(1)} s`);
        } else if (e.type === "stream" && echo) {
          // Progress bars redraw with "\r": show only what is left after the last one.
          for (const line of e.text.split("\n")) {
            const shown = line.slice(line.lastIndexOf("\r") + 1).trimEnd();
            if (shown) log(`      ${shown}`);
          }
        }
      },
    });
    const result: TutorialNotebookResult = { ...run };
    results.push(result);
    if (run.failure) {
      return { results, failed: result, seconds: (performance.now() - start) / 1000 };
    }
    const figures = await figureOutputs(run.executedPath);
    if (figures.missing.length > 0) {
      log(
        `    warning: no figure in code cell(s) ${
          figures.missing.join(", ")
        } (tagged "figure"): the kernel dropped the output; run the notebook again to see it`,
      );
    }
    if (options.html ?? true) result.htmlPath = await exportHtml(tools, run.executedPath);
    if (run.lateOutputs > 0) {
      log(`    ${run.lateOutputs} output(s) arrived after their cell finished and were kept`);
    }
    log(`    ok in ${run.seconds.toFixed(1)} s → ${result.htmlPath ?? run.executedPath}`);
  }
  return { results, seconds: (performance.now() - start) / 1000 };
}

/** The MIME type of a Plotly figure in a notebook output. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Where an executed notebook's figures are, from {@linkcode figureOutputs}. */
export interface FigureOutputs {
  /** Code cells tagged `figure` (1-based code cell numbers). */
  figureCells: number[];
  /** Code cells with at least one Plotly output, with how many. */
  plotlyCells: Map<number, number>;
  /** Figure cells without a Plotly output (e.g. the kernel dropped it). */
  missing: number[];
  /** Cells with a Plotly output that are not tagged `figure`. */
  untagged: number[];
  /** Total number of Plotly outputs. */
  plotlyOutputs: number;
  /** The largest single output in bytes (JSON). */
  maxOutputBytes: number;
}

interface NotebookCell {
  cell_type: string;
  metadata?: { tags?: string[] };
  outputs?: { data?: Record<string, unknown> }[];
}

/** Find the figure cells of an executed notebook and check each shows a Plotly figure. */
export async function figureOutputs(executedPath: string): Promise<FigureOutputs> {
  const nb = JSON.parse(await Deno.readTextFile(executedPath)) as { cells: NotebookCell[] };
  const figureCells: number[] = [];
  const plotlyCells = new Map<number, number>();
  let plotlyOutputs = 0;
  let maxOutputBytes = 0;
  let number = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    number++;
    if (cell.metadata?.tags?.includes("figure")) figureCells.push(number);
    for (const output of cell.outputs ?? []) {
      maxOutputBytes = Math.max(maxOutputBytes, JSON.stringify(output).length);
      if (output.data && PLOTLY_MIME in output.data) {
        plotlyCells.set(number, (plotlyCells.get(number) ?? 0) + 1);
        plotlyOutputs++;
      }
    }
  }
  return {
    figureCells,
    plotlyCells,
    missing: figureCells.filter((n) => !plotlyCells.has(n)),
    untagged: [...plotlyCells.keys()].filter((n) => !figureCells.includes(n)),
    plotlyOutputs,
    maxOutputBytes,
  };
}
