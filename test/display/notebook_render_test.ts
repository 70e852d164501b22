/**
 * End to end: a notebook that displays figures is executed headless through the Deno kernel,
 * exported with `jupyter nbconvert --to html`, and opened in headless Chromium.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  figureMimeBundle,
  resetPlotlyInjection,
  trainingCurvesFigure,
  visualizeImageAttr,
} from "../../lib/mod.ts";
import { ensureDenoKernelspec } from "../../scripts/notebook/deno_kernelspec.ts";
import { describeFailure, executeNotebook } from "../../scripts/notebook/execute_notebook.ts";
import { exportHtml } from "../../scripts/notebook/export_html.ts";
import {
  JUPYTER_APT_PACKAGES,
  locateChromium,
  locateJupyter,
} from "../../scripts/notebook/find_tools.ts";
import {
  inspectNotebook,
  type NotebookReport,
  PLOTLY_MIME,
} from "../../scripts/notebook/inspect_notebook.ts";
import { renderHtml } from "../../scripts/notebook/render_html.ts";

const ROOT = join(import.meta.dirname!, "..", "..");
const NOTEBOOK = join(ROOT, "test", "_fixtures", "figures_demo.ipynb");
const OUT = join(ROOT, "out", "notebook_render");
const FIGURES = 6; // 3 through display() (the first among them), 3 as cell values
const MAX_OUTPUT_BYTES = 7e6;

const tools = await locateJupyter();
const chromium = await locateChromium();
const missing = [!tools && "jupyter", !chromium && "chromium"].filter(Boolean);
if (missing.length > 0) {
  console.warn(
    `notebook_render_test skipped: ${missing.join(" and ")} not installed (CI installs ` +
      `${JUPYTER_APT_PACKAGES} chromium).`,
  );
}

function figureOutputs(report: NotebookReport, type?: string): number {
  const nb = report.cells.flatMap((c) => c.outputs);
  return nb.filter((o) => o.mimeTypes.includes(PLOTLY_MIME) && (!type || o.outputType === type))
    .length;
}

Deno.test({
  name: "figures in a Deno-kernel notebook render in its nbconvert HTML export (headless Chromium)",
  ignore: missing.length > 0,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const jupyter = tools!;
    await ensureDenoKernelspec(jupyter);
    // Executed by the tutorial's nbclient driver, which keeps outputs the Deno kernel delivers
    // after a cell's idle status; figures send themselves as display_data and wait for the
    // kernel to flush them (lib/display/_jupyter_api.ts). Every figure must come back.
    const run = await executeNotebook(jupyter, NOTEBOOK, {
      outDir: OUT,
      cellTimeoutS: 300,
    });
    assert.equal(run.failure, undefined, describeFailure(run));
    const executed = run.executedPath;
    const report = await inspectNotebook(executed);
    assert.deepEqual(report.errors, [], `cell errors: ${JSON.stringify(report.errors)}`);
    const figures = figureOutputs(report);
    assert.equal(figures, FIGURES, "figure outputs");
    assert.equal(figureOutputs(report, "display_data"), FIGURES, "figures sent as display_data");
    assert.deepEqual(
      report.cells.flatMap((c) => c.outputTypes).filter((t) => t === "execute_result"),
      [],
      "the empty execute_result a figure cell leaves is dropped",
    );
    for (const cell of report.cells) {
      if (cell.mimeTypes.includes(PLOTLY_MIME)) {
        assert.ok(cell.mimeTypes.includes("text/html"), `cell ${cell.index} lacks text/html`);
        assert.ok(cell.mimeTypes.includes("text/plain"), `cell ${cell.index} lacks text/plain`);
      }
    }
    assert.equal(report.mimeCounts["image/png"], 3, "attribution maps and the grid carry PNGs");
    assert.ok(
      report.maxOutputBytes < MAX_OUTPUT_BYTES,
      `largest output is ${report.maxOutputBytes} bytes (the kernel drops ~8 MB)`,
    );

    const html = await exportHtml(jupyter, executed, { outputDir: OUT });
    const text = await Deno.readTextFile(html);
    assert.equal(
      text.match(/plotly\.js v\d+\.\d+\.\d+/g)?.length,
      1,
      "the export must embed plotly.js exactly once",
    );

    const page = await renderHtml(html, {
      chromium,
      screenshotPath: join(OUT, "figures_demo.png"),
      windowSize: [1280, 3200],
      virtualTimeBudgetMs: 20000,
    });
    assert.deepEqual(page.errors, [], `page errors: ${page.errors.join("\n")}`);
    assert.equal(page.plotCount, figures, "rendered Plotly plots (.js-plotly-plot)");
    assert.ok(page.mainSvgCount >= figures, `main-svg elements: ${page.mainSvgCount}`);
    assert.doesNotMatch(page.dom, /class="captum-tfjs-figure"[^>]*>plotly\.js is not loaded/);
  },
});

const REQUIRE_JS = "/usr/share/javascript/requirejs/require.js";

Deno.test({
  name: "figure HTML renders on a page that has RequireJS (classic Notebook) and restores define",
  ignore: missing.length > 0 || !(await Deno.stat(REQUIRE_JS).then(() => true, () => false)),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    resetPlotlyInjection();
    const bundles = [
      figureMimeBundle(trainingCurvesFigure({ trainLoss: [1, 0.5] })),
      figureMimeBundle(visualizeImageAttr([[1, 2], [3, 4]])),
    ];
    await Deno.mkdir(OUT, { recursive: true });
    const page = join(OUT, "requirejs_page.html");
    await Deno.writeTextFile(
      page,
      `<!DOCTYPE html><html><head><script src="file://${REQUIRE_JS}"></script></head><body>
${bundles.map((b) => `<div class="output">${b["text/html"]}</div>`).join("\n")}
<pre id="amd-state"></pre>
<script>setTimeout(function () { document.getElementById("amd-state").textContent =
  "define:" + (typeof define === "function" && !!define.amd); }, 3000);</script>
</body></html>`,
    );
    const report = await renderHtml(page, { chromium, virtualTimeBudgetMs: 10000 });
    assert.deepEqual(report.errors, []);
    assert.equal(report.plotCount, 2);
    assert.match(report.dom, /<pre id="amd-state">define:true<\/pre>/);
  },
});
