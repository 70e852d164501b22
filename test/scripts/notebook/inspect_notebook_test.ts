import assert from "node:assert/strict";
import { join } from "node:path";
import { inspectNotebook, PLOTLY_MIME } from "../../../scripts/notebook/inspect_notebook.ts";
import { withTempDir } from "../../_helpers/temp_dir.ts";
import { writeNotebook } from "../../_helpers/tiny_notebook.ts";

const plot = {
  output_type: "display_data",
  metadata: {},
  data: { [PLOTLY_MIME]: { data: [] }, "text/html": "<div></div>", "text/plain": "Figure" },
};

const stdout = { output_type: "stream", name: "stdout", text: "ignored\n" };

Deno.test("inspectNotebook() reports errors, MIME types, sizes and figures per cell", async () => {
  await withTempDir("inspect_notebook_", async (dir) => {
    const path = join(dir, "executed.ipynb");
    await writeNotebook(path, [
      { markdown: "# Title\nmore" },
      {
        code: "console.error('careful')\n1",
        outputs: [
          { output_type: "stream", name: "stderr", text: ["care", "ful\n"] },
          stdout,
          {
            output_type: "execute_result",
            execution_count: 1,
            metadata: {},
            data: { "text/plain": "1" },
          },
        ],
      },
      { code: "figureA", tags: ["figure"], outputs: [plot] },
      { code: "figureB // dropped by the kernel", tags: ["figure"] },
      { code: "untaggedFigure", outputs: [plot, plot] },
      {
        code: "throw new RangeError('bad')",
        outputs: [{ output_type: "error", ename: "RangeError", evalue: "bad", traceback: [] }],
      },
    ]);
    const report = await inspectNotebook(path);
    assert.deepEqual(report.errors, [{ index: 5, ename: "RangeError", evalue: "bad" }]);
    assert.deepEqual(report.cells.map((c) => c.codeCellNumber), [undefined, 1, 2, 3, 4, 5]);
    assert.deepEqual(report.cells[0], {
      index: 0,
      codeCellNumber: undefined,
      cellType: "markdown",
      tags: [],
      firstLine: "# Title",
      outputTypes: [],
      mimeTypes: [],
      outputBytes: [],
      outputs: [],
      stderr: "",
    });
    const cell = report.cells[1];
    assert.equal(cell.firstLine, "console.error('careful')");
    assert.deepEqual(cell.outputTypes, ["stream", "stream", "execute_result"]);
    assert.deepEqual(cell.mimeTypes, ["text/plain"]);
    assert.equal(cell.stderr, "careful\n");
    assert.deepEqual(cell.outputs.map((o) => o.bytes), cell.outputBytes);
    assert.equal(cell.outputBytes[1], JSON.stringify(stdout).length);
    assert.deepEqual(report.cells[2].tags, ["figure"]);
    assert.deepEqual(report.cells[2].mimeTypes, [PLOTLY_MIME, "text/html", "text/plain"]);
    assert.deepEqual(report.cells[5].error, { ename: "RangeError", evalue: "bad" });
    assert.deepEqual(report.mimeCounts, {
      "text/plain": 4,
      [PLOTLY_MIME]: 3,
      "text/html": 3,
    });
    assert.equal(
      report.maxOutputBytes,
      Math.max(...report.cells.flatMap((c) => c.outputBytes)),
    );
    assert.deepEqual(report.figures, {
      figureCells: [2, 3],
      plotlyCells: new Map([[2, 1], [4, 2]]),
      missing: [3],
      untagged: [4],
      plotlyOutputs: 3,
    });
  });
});

Deno.test("inspectNotebook() counts output sizes in UTF-8 bytes", async () => {
  await withTempDir("inspect_notebook_", async (dir) => {
    const path = join(dir, "utf8.ipynb");
    const output = { output_type: "stream", name: "stdout", text: "é…" };
    await writeNotebook(path, [{ code: "x", outputs: [output] }]);
    const report = await inspectNotebook(path);
    assert.equal(report.maxOutputBytes, JSON.stringify(output).length + 1 + 2);
  });
});
