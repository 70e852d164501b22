/**
 * Shared notebook tooling (private to scripts and tests): find Jupyter, make sure the Deno
 * kernel is registered, execute notebooks headless, export them to HTML, inspect their outputs,
 * and render HTML in headless Chromium to count the Plotly figures that actually drew.
 *
 * Everything runs external programs through `Deno.Command`; nothing here is imported by
 * `lib/`.
 *
 * @example
 * ```ts
 * import {
 *   ensureDenoKernel, executeNotebook, exportHtml, findJupyter, inspectNotebook, renderHtml,
 * } from "./scripts/_jupyter.ts";
 * const jupyter = await findJupyter();
 * await ensureDenoKernel(jupyter);
 * const executed = await executeNotebook("notebooks/01_load_data.ipynb", {
 *   jupyter, outputDir: "out/notebooks", timeoutS: 600, env: { TUTORIAL_FAST: "1" },
 * });
 * const report = await inspectNotebook(executed);
 * if (report.errors.length > 0) throw new Error(JSON.stringify(report.errors));
 * const html = await exportHtml(executed, { jupyter, outputDir: "out/notebooks" });
 * const page = await renderHtml(html, { screenshotPath: "out/notebooks/01.png" });
 * console.log(page.plotCount, page.errors);
 * ```
 *
 * @module
 */
import { basename, dirname, extname, join, resolve } from "node:path";

/** The Debian packages that provide Jupyter here. */
export const JUPYTER_APT_PACKAGES =
  "jupyter-nbconvert python3-nbclient jupyter-client python3-notebook";

/** Result of {@linkcode run}. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `cmd args…` and collect its output (never throws on a non-zero exit; check `code`).
 *
 * @param options.env extra environment variables (added to the current environment).
 * @param options.cwd working directory.
 */
export async function run(
  cmd: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunResult> {
  const out = await new Deno.Command(cmd, {
    args: [...args],
    env: options.env,
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const st = await Deno.stat(path);
    return st.isFile && ((st.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && await isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * The `jupyter` executable: `/usr/bin/jupyter` (Debian's, on the system Python) first, else
 * `jupyter` on PATH, else `undefined`.
 */
export async function locateJupyter(): Promise<string | undefined> {
  if (await isExecutable("/usr/bin/jupyter")) return "/usr/bin/jupyter";
  return await onPath("jupyter");
}

/**
 * Like {@linkcode locateJupyter} but throws when Jupyter is missing.
 *
 * @throws {Error} naming the packages to install.
 */
export async function findJupyter(): Promise<string> {
  const path = await locateJupyter();
  if (path === undefined) {
    throw new Error(
      `Cannot run notebooks: jupyter was not found at /usr/bin/jupyter or on PATH. Install it ` +
        `with \`apt-get install ${JUPYTER_APT_PACKAGES}\`.`,
    );
  }
  return path;
}

/** The headless Chromium executable, or `undefined` when none is installed. */
export async function locateChromium(): Promise<string | undefined> {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (await isExecutable(p)) return p;
  }
  return await onPath("chromium") ?? await onPath("chromium-browser") ??
    await onPath("google-chrome");
}

/**
 * Make sure the Deno kernel is registered with Jupyter (`deno jupyter --install` when
 * `jupyter kernelspec list` does not list "deno").
 *
 * @returns `true` if it had to install the kernelspec.
 * @throws {Error} if listing or installing fails.
 */
export async function ensureDenoKernel(jupyter?: string): Promise<boolean> {
  const jup = jupyter ?? await findJupyter();
  const list = await run(jup, ["kernelspec", "list", "--json"]);
  if (list.code !== 0) {
    throw new Error(`Cannot list Jupyter kernels (\`${jup} kernelspec list\`): ${list.stderr}`);
  }
  const specs = JSON.parse(list.stdout).kernelspecs ?? {};
  if ("deno" in specs) return false;
  const inst = await run(Deno.execPath(), ["jupyter", "--install"]);
  if (inst.code !== 0) {
    throw new Error(
      `Cannot install the Deno Jupyter kernel (\`deno jupyter --install\`): ${inst.stderr}`,
    );
  }
  return true;
}

/** Options of {@linkcode executeNotebook}. */
export interface ExecuteNotebookOptions {
  /** The jupyter executable. @default found with {@linkcode findJupyter} */
  jupyter?: string;
  /** Where the executed copy goes. @default "out/notebooks" */
  outputDir?: string;
  /** Output file name. @default the input's name */
  outputName?: string;
  /** Per-cell timeout in seconds. @default 600 */
  timeoutS?: number;
  /** Extra environment variables for the kernel (passed through nbconvert). */
  env?: Record<string, string>;
  /** Kernel name. @default "deno" */
  kernel?: string;
  /** Keep executing after a cell error (`--allow-errors`). @default false */
  allowErrors?: boolean;
}

/**
 * Execute `notebook` headless (`jupyter nbconvert --to notebook --execute`); the kernel runs in
 * the notebook's own directory. Returns the path of the executed copy.
 *
 * Note: plain nbconvert stops reading a cell's outputs at its "idle" status, and the Deno kernel
 * (2.9) can publish that status before the cell's last output under CPU load, so an output can
 * go missing. `executeNotebook` in `scripts/_tutorial_runner.ts` keeps such late outputs: use
 * it when every output must come back.
 *
 * @throws {Error} with nbconvert's output when execution fails (a cell error without
 *   `allowErrors`, a timeout, a dead kernel).
 */
export async function executeNotebook(
  notebook: string,
  options: ExecuteNotebookOptions = {},
): Promise<string> {
  const jup = options.jupyter ?? await findJupyter();
  const outputDir = resolve(options.outputDir ?? "out/notebooks");
  await Deno.mkdir(outputDir, { recursive: true });
  const outputName = options.outputName ?? basename(notebook);
  const args = [
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    `--ExecutePreprocessor.timeout=${options.timeoutS ?? 600}`,
    `--ExecutePreprocessor.kernel_name=${options.kernel ?? "deno"}`,
    "--output-dir",
    outputDir,
    "--output",
    outputName,
  ];
  if (options.allowErrors) args.push("--allow-errors");
  args.push(resolve(notebook));
  const res = await run(jup, args, { env: options.env });
  if (res.code !== 0) {
    throw new Error(
      `Cannot execute ${notebook} (jupyter nbconvert --execute exited ${res.code}):\n` +
        res.stderr.slice(-6000),
    );
  }
  return join(outputDir, outputName.endsWith(".ipynb") ? outputName : `${outputName}.ipynb`);
}

/** Options of {@linkcode exportHtml}. */
export interface ExportHtmlOptions {
  /** The jupyter executable. @default found with {@linkcode findJupyter} */
  jupyter?: string;
  /** Where the HTML goes. @default the notebook's directory */
  outputDir?: string;
  /** nbconvert template ("lab" or "classic"). @default nbconvert's default ("lab") */
  template?: string;
}

/**
 * Export a (normally executed) notebook to HTML with `jupyter nbconvert --to html`. Returns the
 * path of the HTML file.
 *
 * @throws {Error} with nbconvert's output when the export fails.
 */
export async function exportHtml(
  notebook: string,
  options: ExportHtmlOptions = {},
): Promise<string> {
  const jup = options.jupyter ?? await findJupyter();
  const outputDir = resolve(options.outputDir ?? dirname(notebook));
  await Deno.mkdir(outputDir, { recursive: true });
  const args = ["nbconvert", "--to", "html", "--output-dir", outputDir];
  if (options.template) args.push(`--template=${options.template}`);
  args.push(resolve(notebook));
  const res = await run(jup, args);
  if (res.code !== 0) {
    throw new Error(
      `Cannot export ${notebook} to HTML (exit ${res.code}):\n${res.stderr.slice(-4000)}`,
    );
  }
  return join(outputDir, basename(notebook, extname(notebook)) + ".html");
}

/** One cell of {@linkcode NotebookReport}. */
export interface CellReport {
  /** Index among all cells. */
  index: number;
  cellType: string;
  /** The first line of the source. */
  firstLine: string;
  /** Output types, e.g. `["execute_result", "display_data"]`. */
  outputTypes: string[];
  /** MIME types over all outputs, e.g. `["text/html", "image/png"]`. */
  mimeTypes: string[];
  /** Size of each output in bytes (as JSON). */
  outputBytes: number[];
  /** Each output: its type and MIME types. */
  outputs: { outputType: string; mimeTypes: string[] }[];
  /** The error of the cell, if any. */
  error?: { ename: string; evalue: string };
  /** Text written to stderr. */
  stderr: string;
}

/** What {@linkcode inspectNotebook} finds. */
export interface NotebookReport {
  cells: CellReport[];
  /** The cells that raised. */
  errors: { index: number; ename: string; evalue: string }[];
  /** The largest single output, in bytes. */
  maxOutputBytes: number;
  /** Number of outputs carrying each MIME type. */
  mimeCounts: Record<string, number>;
}

interface NbOutput {
  output_type: string;
  data?: Record<string, unknown>;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

/** Summarize an executed notebook's outputs: errors per cell, MIME types, output sizes. */
export async function inspectNotebook(notebook: string): Promise<NotebookReport> {
  const nb = JSON.parse(await Deno.readTextFile(notebook));
  const cells: CellReport[] = [];
  const errors: NotebookReport["errors"] = [];
  const mimeCounts: Record<string, number> = {};
  let maxOutputBytes = 0;
  nb.cells.forEach(
    (
      cell: { cell_type: string; source: string | string[]; outputs?: NbOutput[] },
      index: number,
    ) => {
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      const outputs = cell.outputs ?? [];
      const report: CellReport = {
        index,
        cellType: cell.cell_type,
        firstLine: source.split("\n")[0],
        outputTypes: outputs.map((o) => o.output_type),
        mimeTypes: [...new Set(outputs.flatMap((o) => Object.keys(o.data ?? {})))],
        outputBytes: outputs.map((o) => new TextEncoder().encode(JSON.stringify(o)).length),
        outputs: outputs.map((o) => ({
          outputType: o.output_type,
          mimeTypes: Object.keys(o.data ?? {}),
        })),
        stderr: outputs.filter((o) => o.output_type === "stream" && o.name === "stderr")
          .map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join(""),
      };
      for (const o of outputs) {
        for (const m of Object.keys(o.data ?? {})) mimeCounts[m] = (mimeCounts[m] ?? 0) + 1;
        if (o.output_type === "error") {
          report.error = { ename: o.ename ?? "", evalue: o.evalue ?? "" };
          errors.push({ index, ...report.error });
        }
      }
      maxOutputBytes = Math.max(maxOutputBytes, ...report.outputBytes, 0);
      cells.push(report);
    },
  );
  return { cells, errors, maxOutputBytes, mimeCounts };
}

/** Options of {@linkcode renderHtml}. */
export interface RenderHtmlOptions {
  /** Where to save a PNG screenshot of the page (e.g. under `out/`). @default no screenshot */
  screenshotPath?: string;
  /** Virtual time Chromium lets the page run before dumping, in ms. @default 15000 */
  virtualTimeBudgetMs?: number;
  /** Window size of the screenshot. @default [1280, 2400] */
  windowSize?: [number, number];
  /** Chromium executable. @default found with {@linkcode locateChromium} */
  chromium?: string;
  /** Wall-clock limit per Chromium run, in ms. @default 120000 */
  timeoutMs?: number;
}

/** What {@linkcode renderHtml} finds on the rendered page. */
export interface RenderReport {
  /** Elements with class `js-plotly-plot` that contain a drawn `main-svg`. */
  plotCount: number;
  /** Number of `main-svg` elements (a plot has one or more). */
  mainSvgCount: number;
  /** Uncaught errors and unhandled rejections of page scripts. */
  errors: string[];
  /** `console.error` messages. */
  consoleErrors: string[];
  /** The serialized DOM after rendering. */
  dom: string;
}

const COLLECTOR = `<script>(function () {
  var errs = [], cons = [];
  function flush() {
    if (!document.body) return;
    var el = document.getElementById("__render_errors__");
    if (!el) { el = document.createElement("pre"); el.id = "__render_errors__";
      el.style.display = "none"; document.body.appendChild(el); }
    el.textContent = JSON.stringify({ errors: errs, consoleErrors: cons });
  }
  window.addEventListener("error", function (e) {
    if (e instanceof ErrorEvent) { errs.push(String(e.message) + " @ " + (e.filename || "") + ":" + e.lineno); flush(); }
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    errs.push("unhandled rejection: " + String(e.reason && (e.reason.stack || e.reason))); flush();
  });
  var ce = console.error;
  console.error = function () { cons.push(Array.prototype.map.call(arguments, String).join(" ")); flush(); return ce.apply(console, arguments); };
  document.addEventListener("DOMContentLoaded", flush);
  window.addEventListener("load", flush);
  setInterval(flush, 500);
})();</script>`;

/** Chromium's command line for headless use here (no sandbox, no network chatter). */
export function chromiumArgs(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${userDataDir}`,
  ];
}

async function chromium(
  exe: string,
  args: string[],
  timeoutMs: number,
): Promise<RunResult> {
  const userDataDir = await Deno.makeTempDir({ prefix: "chromium-" });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const out = await new Deno.Command(exe, {
      args: [...chromiumArgs(userDataDir), ...args],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
      signal: ac.signal,
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    clearTimeout(timer);
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
}

/**
 * Open `htmlPath` in headless Chromium, let it run, and report how many Plotly figures drew and
 * which script errors happened. An error collector is injected into a temporary copy of the
 * page (the original is untouched). Optionally saves a screenshot.
 *
 * @throws {Error} if Chromium is missing or fails.
 */
export async function renderHtml(
  htmlPath: string,
  options: RenderHtmlOptions = {},
): Promise<RenderReport> {
  const exe = options.chromium ?? await locateChromium();
  if (exe === undefined) {
    throw new Error(
      "Cannot render HTML: no headless Chromium found (/usr/bin/chromium). Install it with " +
        "`apt-get install chromium`.",
    );
  }
  const budget = options.virtualTimeBudgetMs ?? 15000;
  const timeoutMs = options.timeoutMs ?? 120000;
  const html = await Deno.readTextFile(htmlPath);
  const headAt = html.search(/<head[^>]*>/i);
  const injected = headAt >= 0
    ? html.replace(/<head[^>]*>/i, (m) => m + COLLECTOR)
    : COLLECTOR + html;
  const tmp = join(dirname(resolve(htmlPath)), `.render-${crypto.randomUUID().slice(0, 8)}.html`);
  await Deno.writeTextFile(tmp, injected);
  try {
    const url = `file://${tmp}`;
    const dump = await chromium(
      exe,
      [`--virtual-time-budget=${budget}`, "--dump-dom", url],
      timeoutMs,
    );
    if (dump.code !== 0 && dump.stdout.length === 0) {
      throw new Error(
        `Cannot render ${htmlPath}: chromium exited ${dump.code}: ${dump.stderr.slice(-2000)}`,
      );
    }
    const dom = dump.stdout;
    const collected = /<pre id="__render_errors__"[^>]*>([^<]*)<\/pre>/.exec(dom)?.[1];
    const parsed = collected
      ? JSON.parse(
        collected.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(
          /&amp;/g,
          "&",
        ),
      )
      : { errors: [], consoleErrors: [] };
    const plotCount = (dom.match(/class="[^"]*\bjs-plotly-plot\b[^"]*"/g) ?? []).length;
    const mainSvgCount = (dom.match(/class="main-svg"/g) ?? []).length;
    if (options.screenshotPath) {
      const shot = resolve(options.screenshotPath);
      await Deno.mkdir(dirname(shot), { recursive: true });
      const [w, h] = options.windowSize ?? [1280, 2400];
      const res = await chromium(exe, [
        `--virtual-time-budget=${budget}`,
        `--window-size=${w},${h}`,
        `--screenshot=${shot}`,
        url,
      ], timeoutMs);
      if (res.code !== 0) {
        throw new Error(
          `Cannot screenshot ${htmlPath}: chromium exited ${res.code}: ${res.stderr.slice(-2000)}`,
        );
      }
    }
    return {
      plotCount,
      mainSvgCount,
      errors: parsed.errors,
      consoleErrors: parsed.consoleErrors,
      dom,
    };
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
