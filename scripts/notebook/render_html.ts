/**
 * Open an HTML page in headless Chromium, let its scripts run, and report how many Plotly
 * figures drew and which script errors happened; optionally save a screenshot. The check that a
 * notebook's HTML export shows its figures.
 *
 * @example
 * ```ts
 * import { renderHtml } from "./render_html.ts";
 * const page = await renderHtml("out/notebooks/04_evaluate.html", {
 *   screenshotPath: "out/notebooks/04_evaluate.png",
 * });
 * console.log(page.plotCount, page.errors);
 * ```
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { CHROMIUM_INSTALL_HINT, locateChromium } from "./find_tools.ts";
import { runCommand, type RunResult } from "./run_command.ts";

/** Options of {@linkcode renderHtml}. */
export interface RenderHtmlOptions {
  /**
   * Where to save a PNG screenshot of the page (e.g. under `out/`).
   * @default no screenshot
   */
  screenshotPath?: string;
  /**
   * Virtual time Chromium lets the page run before dumping it, in ms.
   * @default 15000
   */
  virtualTimeBudgetMs?: number;
  /**
   * Window size of the screenshot, in pixels.
   * @default [1280, 2400]
   */
  windowSize?: [number, number];
  /**
   * Chromium executable.
   * @default found with {@linkcode locateChromium}
   */
  chromium?: string;
  /**
   * Wall-clock limit per Chromium run, in ms.
   * @default 120000
   */
  timeoutMs?: number;
}

/** What {@linkcode renderHtml} finds on the rendered page. */
export interface RenderReport {
  /** Elements with class `js-plotly-plot` (one per drawn Plotly figure). */
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

/** Element the injected collector writes the page's errors to, as JSON. */
const COLLECTOR_ID = "__render_errors__";

/** Script injected at the top of `<head>`: collects errors and console.error messages. */
const COLLECTOR = `<script>(function () {
  var errs = [], cons = [];
  function flush() {
    if (!document.body) return;
    var el = document.getElementById("${COLLECTOR_ID}");
    if (!el) { el = document.createElement("pre"); el.id = "${COLLECTOR_ID}";
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

async function runChromium(exe: string, args: string[], timeoutMs: number): Promise<RunResult> {
  const userDataDir = await Deno.makeTempDir({ prefix: "chromium-" });
  try {
    return await runCommand(exe, [...chromiumArgs(userDataDir), ...args], { timeoutMs });
  } finally {
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
}

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Render `htmlPath` in headless Chromium and report what drew. The error collector is injected
 * into a temporary copy of the page beside it (so relative links still resolve); the original is
 * untouched.
 *
 * @throws {Error} when Chromium is missing (with {@linkcode CHROMIUM_INSTALL_HINT}) or fails.
 */
export async function renderHtml(
  htmlPath: string,
  options: RenderHtmlOptions = {},
): Promise<RenderReport> {
  const exe = options.chromium ?? await locateChromium();
  if (exe === undefined) {
    throw new Error(
      `Cannot render ${htmlPath}: no headless Chromium found (/usr/bin/chromium or on PATH). ` +
        CHROMIUM_INSTALL_HINT,
    );
  }
  const budget = options.virtualTimeBudgetMs ?? 15000;
  const timeoutMs = options.timeoutMs ?? 120000;
  const html = await Deno.readTextFile(htmlPath);
  const injected = /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (m) => m + COLLECTOR)
    : COLLECTOR + html;
  const copy = join(
    dirname(resolve(htmlPath)),
    `.render-${crypto.randomUUID().slice(0, 8)}-${basename(htmlPath)}`,
  );
  await Deno.writeTextFile(copy, injected);
  try {
    const url = `file://${copy}`;
    const dump = await runChromium(
      exe,
      [`--virtual-time-budget=${budget}`, "--dump-dom", url],
      timeoutMs,
    );
    if (dump.code !== 0 && dump.stdout.length === 0) {
      throw new Error(
        `Cannot render ${htmlPath}: chromium exited with ${dump.code}: ${dump.stderr.slice(-2000)}`,
      );
    }
    const dom = dump.stdout;
    const collected = new RegExp(`<pre id="${COLLECTOR_ID}"[^>]*>([^<]*)</pre>`).exec(dom)?.[1];
    const parsed = collected
      ? JSON.parse(unescapeHtml(collected))
      : { errors: [], consoleErrors: [] };
    if (options.screenshotPath) {
      const shot = resolve(options.screenshotPath);
      await Deno.mkdir(dirname(shot), { recursive: true });
      const [w, h] = options.windowSize ?? [1280, 2400];
      const result = await runChromium(exe, [
        `--virtual-time-budget=${budget}`,
        `--window-size=${w},${h}`,
        `--screenshot=${shot}`,
        url,
      ], timeoutMs);
      if (result.code !== 0) {
        throw new Error(
          `Cannot screenshot ${htmlPath}: chromium exited with ${result.code}: ${
            result.stderr.slice(-2000)
          }`,
        );
      }
    }
    return {
      plotCount: (dom.match(/class="[^"]*\bjs-plotly-plot\b[^"]*"/g) ?? []).length,
      mainSvgCount: (dom.match(/class="main-svg"/g) ?? []).length,
      errors: parsed.errors,
      consoleErrors: parsed.consoleErrors,
      dom,
    };
  } finally {
    await Deno.remove(copy).catch(() => {});
  }
}
