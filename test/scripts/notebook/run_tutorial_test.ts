import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { ensureDenoKernelspec } from "../../../scripts/notebook/deno_kernelspec.ts";
import { describeFailure } from "../../../scripts/notebook/execute_notebook.ts";
import { locateJupyter } from "../../../scripts/notebook/find_tools.ts";
import { listNotebooks, QUICK_ENV, runTutorial } from "../../../scripts/notebook/run_tutorial.ts";
import { withTempDir } from "../../_helpers/temp_dir.ts";
import { writeNotebook } from "../../_helpers/tiny_notebook.ts";

Deno.test("listNotebooks() lists the NN_*.ipynb files in order", async () => {
  await withTempDir("run_tutorial_", async (dir) => {
    for (const name of ["02_b.ipynb", "01_a.ipynb", "notes.ipynb", "1_x.ipynb", "03_c.ts"]) {
      await Deno.writeTextFile(join(dir, name), "{}");
    }
    await Deno.mkdir(join(dir, "04_dir.ipynb"));
    assert.deepEqual(await listNotebooks(dir), [join(dir, "01_a.ipynb"), join(dir, "02_b.ipynb")]);
  });
  const tutorial = await listNotebooks();
  assert.equal(basename(tutorial[0]), "01_load_data.ipynb");
});

const tools = await locateJupyter();

Deno.test({
  name: "runTutorial() runs notebooks in order, logs each cell, and stops at the first failure",
  ignore: tools === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await ensureDenoKernelspec(tools!);
    await withTempDir("run_tutorial_", async (dir) => {
      const first = join(dir, "01_first.ipynb");
      const second = join(dir, "02_second.ipynb");
      const third = join(dir, "03_third.ipynb");
      await writeNotebook(first, [
        { markdown: "# First" },
        { code: `console.log("quick=" + Deno.env.get("${QUICK_ENV}"));` },
        { code: 'console.log("10%\\r50%\\r100%");' },
        { code: "1", tags: ["figure"] },
      ]);
      await writeNotebook(second, [
        { code: "const x = 1;" },
        { code: 'throw new TypeError("second fails");' },
      ]);
      await writeNotebook(third, [{ code: "1" }]);
      const lines: string[] = [];
      const outDir = join(dir, "out");
      const run = await runTutorial(tools!, {
        notebooks: [first, second, third],
        quick: true,
        outDir,
        cellTimeoutS: 120,
        log: (line) => lines.push(line),
      });
      assert.deepEqual(run.results.map((r) => basename(r.notebook)), [
        "01_first.ipynb",
        "02_second.ipynb",
      ]);
      assert.equal(run.failed, run.results[1]);
      assert.match(describeFailure(run.failed!), /02_second\.ipynb failed in code cell 2/);
      assert.equal(run.results[0].htmlPath, join(outDir, "01_first.html"));
      assert.ok((await Deno.stat(run.results[0].htmlPath!)).isFile);
      assert.equal(run.failed!.htmlPath, undefined);
      assert.ok(run.seconds > 0);

      assert.equal(lines[0], "[1/3] 01_first.ipynb");
      assert.ok(lines.includes("      quick=1"), lines.join("\n"));
      assert.ok(lines.includes("      100%"), "only what a progress bar leaves is shown");
      assert.ok(!lines.some((l) => l.includes("10%")));
      assert.deepEqual(
        lines.filter((l) => /^ {4}cell \d done in \d+\.\d s$/.test(l)).length,
        3 + 2,
        "three cells of the first notebook, two of the second (the failing one included)",
      );
      assert.ok(
        lines.some((l) => l.startsWith("    warning: no figure in code cell(s) 3 (tagged")),
        "a figure cell without a Plotly output is reported",
      );
      assert.ok(lines.some((l) => l.startsWith("    ok in ") && l.endsWith("01_first.html")));
      assert.ok(lines.includes("[2/3] 02_second.ipynb"));
      assert.ok(!lines.includes("[3/3] 03_third.ipynb"), "stops after the failing notebook");
    });
  },
});
