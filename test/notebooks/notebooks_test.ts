/**
 * The tutorial's notebooks, executed headless through the Deno Jupyter kernel in quick mode
 * (`TUTORIAL_QUICK=1`), the way `deno task tutorial` runs them: every cell runs without error,
 * every figure cell (tagged `figure`) shows a Plotly figure, and each HTML export draws all its
 * figures in headless Chromium without page errors.
 *
 * The slowest test of the suite (a few minutes). Needs Jupyter (`jupyter-nbconvert`,
 * `python3-nbclient`) and Chromium; executed notebooks, HTML exports and screenshots are written
 * to the git-ignored `out/test/notebooks/`.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { staleNotebooks } from "../../scripts/_build_notebooks.ts";
import { ensureDenoKernelspec } from "../../scripts/notebook/deno_kernelspec.ts";
import { describeFailure } from "../../scripts/notebook/execute_notebook.ts";
import { findJupyter } from "../../scripts/notebook/find_tools.ts";
import { inspectNotebook } from "../../scripts/notebook/inspect_notebook.ts";
import { REPO_ROOT } from "../../scripts/notebook/paths.ts";
import { renderHtml } from "../../scripts/notebook/render_html.ts";
import { listNotebooks, runTutorial } from "../../scripts/notebook/run_tutorial.ts";

const OUT_DIR = join(REPO_ROOT, "out", "test", "notebooks");
/** The Deno kernel drops display outputs of about 8 MB or more. */
const MAX_OUTPUT_BYTES = 7_000_000;

Deno.test("the notebooks are built from notebooks/src and committed without outputs", async () => {
  assert.deepEqual(
    await staleNotebooks(),
    [],
    "rebuild with deno run -A scripts/_build_notebooks.ts",
  );
  const notebooks = await listNotebooks();
  assert.deepEqual(notebooks.map((n) => basename(n)), [
    "01_load_data.ipynb",
    "02_define_network.ipynb",
    "03_train.ipynb",
    "04_evaluate.ipynb",
    "05_primary_attribution.ipynb",
    "06_layer_attribution.ipynb",
    "07_neuron_attribution.ipynb",
    "08_which_explanation_to_trust.ipynb",
    "09_beyond_attribution.ipynb",
  ]);
  for (const path of notebooks) {
    const nb = JSON.parse(await Deno.readTextFile(path));
    assert.equal(nb.metadata.kernelspec.name, "deno", `${basename(path)}: Deno kernel`);
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      assert.deepEqual(cell.outputs, [], `${basename(path)}: a cell has outputs`);
      assert.equal(cell.execution_count, null, `${basename(path)}: a cell has an execution count`);
    }
    const source = nb.cells.map((c: { source: string[] }) => c.source.join("")).join("\n");
    assert.match(source, /from "\.\.\/lib\/mod\.ts"/, `${basename(path)} imports ../lib/mod.ts`);
  }
});

Deno.test({
  name:
    "every notebook runs headless in quick mode, shows its figures, and its HTML export renders",
  // nbclient, nbconvert and Chromium are child processes awaited to completion.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const tools = await findJupyter();
    await ensureDenoKernelspec(tools);
    for (const notebook of await listNotebooks()) {
      const name = basename(notebook, ".ipynb");
      const run = await runTutorial(tools, {
        notebooks: [notebook],
        quick: true,
        outDir: OUT_DIR,
        log: () => {},
        echoStreams: false,
      });
      const result = run.results[0];
      await t.step(`${name}: every cell runs without error`, () => {
        assert.equal(result.failure, undefined, describeFailure(result));
      });
      if (result.failure) continue;
      const { figures, maxOutputBytes } = await inspectNotebook(result.executedPath);
      await t.step(`${name}: every figure cell shows a Plotly figure`, () => {
        assert.ok(figures.figureCells.length > 0, "the notebook has figure cells");
        assert.deepEqual(
          figures.missing,
          [],
          `figure cells without a Plotly output (code cells ${figures.missing})`,
        );
        assert.deepEqual(figures.untagged, [], `Plotly outputs in cells not tagged "figure"`);
        assert.equal(figures.plotlyOutputs, figures.figureCells.length);
        assert.ok(
          maxOutputBytes < MAX_OUTPUT_BYTES,
          `largest output ${maxOutputBytes} bytes, keep outputs under ${MAX_OUTPUT_BYTES}`,
        );
      });
      await t.step(`${name}: the HTML export draws every figure in Chromium`, async () => {
        assert.ok(result.htmlPath, "HTML export written");
        const page = await renderHtml(result.htmlPath!);
        assert.deepEqual(page.errors, [], "page errors");
        assert.equal(page.plotCount, figures.plotlyOutputs, "rendered Plotly plots");
      });
    }
  },
});
