/**
 * `deno task tutorial`: run the Fashion-MNIST tutorial's notebooks (`notebooks/01_…` to `09_…`)
 * headless through the Deno Jupyter kernel, in order, and write the executed notebooks and their
 * HTML exports to `out/notebooks/`.
 *
 * Usage:
 *   deno task tutorial                     # full run (notebook 03 trains 8 epochs)
 *   TUTORIAL_QUICK=1 deno task tutorial    # quick run (1 epoch on a subset, fewer samples)
 *   deno task tutorial 05 06               # only the notebooks whose names start with these
 *
 * Exits with status 1 when a cell fails (naming the notebook and the cell) and with status 2 when
 * Jupyter is missing (saying how to install it).
 *
 * @module
 */
import { basename, relative } from "node:path";
import { ensureDenoKernelspec } from "./notebook/deno_kernelspec.ts";
import { describeFailure } from "./notebook/execute_notebook.ts";
import { findJupyter } from "./notebook/find_tools.ts";
import { DEFAULT_OUT_DIR } from "./notebook/paths.ts";
import { listNotebooks, QUICK_ENV, runTutorial } from "./notebook/run_tutorial.ts";

async function main(): Promise<number> {
  const quick = Deno.env.get(QUICK_ENV) === "1";
  let tools;
  try {
    tools = await findJupyter();
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (await ensureDenoKernelspec(tools)) console.log("Installed the Deno Jupyter kernelspec.");

  let notebooks = await listNotebooks();
  const only = Deno.args;
  if (only.length > 0) {
    notebooks = notebooks.filter((n) => only.some((p) => basename(n).startsWith(p)));
    if (notebooks.length === 0) {
      console.error(
        `No notebook matches ${only.join(", ")}. Pass name prefixes such as 01 or 05_primary.`,
      );
      return 2;
    }
  }
  const outDir = DEFAULT_OUT_DIR;
  console.log(
    `Running ${notebooks.length} notebook(s) in ${
      quick ? "quick mode (TUTORIAL_QUICK=1)" : "full mode (set TUTORIAL_QUICK=1 for a quick run)"
    }; output goes to ${relative(Deno.cwd(), outDir) || outDir}/`,
  );
  const run = await runTutorial(tools, { notebooks, quick, outDir });
  if (run.failed) {
    console.error(`\nTutorial failed after ${run.seconds.toFixed(0)} s.`);
    console.error(describeFailure(run.failed));
    return 1;
  }
  console.log(`\nAll ${run.results.length} notebook(s) ran in ${run.seconds.toFixed(0)} s:`);
  for (const r of run.results) {
    console.log(`  ${relative(Deno.cwd(), r.htmlPath ?? r.executedPath)}`);
  }
  console.log(`Executed notebooks (.ipynb) are beside the HTML files in ${outDir}.`);
  return 0;
}

Deno.exit(await main());
