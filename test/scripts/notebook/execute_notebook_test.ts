/**
 * The notebook executor and its Python driver (`scripts/notebook/execute_notebook.py`): the
 * driver compiles under Debian's Python, its helpers behave, and it runs tiny notebooks through
 * the Deno kernel (where Jupyter is installed).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ensureDenoKernelspec } from "../../../scripts/notebook/deno_kernelspec.ts";
import {
  describeFailure,
  DRIVER_PATH,
  EVENT_PREFIX,
  executeNotebook,
  type NotebookRun,
  type RunEvent,
} from "../../../scripts/notebook/execute_notebook.ts";
import { locateJupyter } from "../../../scripts/notebook/find_tools.ts";
import { runCommand } from "../../../scripts/notebook/run_command.ts";
import { withTempDir } from "../../_helpers/temp_dir.ts";
import { writeNotebook } from "../../_helpers/tiny_notebook.ts";

const DEBIAN_PYTHON = "/usr/bin/python3";
const hasDebianPython = await Deno.stat(DEBIAN_PYTHON).then(() => true, () => false);
const tools = await locateJupyter();

Deno.test({
  name: "the Python driver compiles under Debian's python3",
  ignore: !hasDebianPython,
  fn: async () => {
    await withTempDir("py_compile_", async (dir) => {
      const result = await runCommand(DEBIAN_PYTHON, [
        "-c",
        "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
        DRIVER_PATH,
        join(dir, "execute_notebook.pyc"),
      ]);
      assert.equal(result.code, 0, result.stderr);
    });
  },
});

Deno.test("the driver and executeNotebook() agree on the event prefix", async () => {
  const driver = await Deno.readTextFile(DRIVER_PATH);
  assert.equal(/^EVENT_PREFIX = "([^"]*)"$/m.exec(driver)?.[1], EVENT_PREFIX);
});

Deno.test({
  name: "the driver's helpers: code cell indices, placeholder results, usage",
  ignore: tools === undefined,
  fn: async () => {
    const script = `
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import nbformat.v4 as v4
import execute_notebook as d
nb = v4.new_notebook(cells=[v4.new_markdown_cell("# t"), v4.new_code_cell("1"), v4.new_code_cell("2")])
assert d.code_cell_indices(nb) == [1, 2], d.code_cell_indices(nb)
empty = v4.new_output("execute_result", data={"text/plain": ""})
value = v4.new_output("execute_result", data={"text/plain": "2"})
shown = v4.new_output("display_data", data={"text/plain": ""})
assert d.is_placeholder(empty) and not d.is_placeholder(value) and not d.is_placeholder(shown)
nb.cells[1].outputs = [shown, empty, value]
d.drop_placeholders(nb)
assert nb.cells[1].outputs == [shown, value]
assert d.main(["execute_notebook.py"]) == 2
print("ok")
`;
    const result = await runCommand(tools!.python, ["-c", script, join(DRIVER_PATH, "..")]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "ok");
    assert.match(result.stderr, /usage: execute_notebook\.py NOTEBOOK EXECUTED_PATH/);
  },
});

Deno.test("describeFailure() names the notebook, the cell, the error and the source", () => {
  const run: NotebookRun = {
    notebook: "/repo/notebooks/05_x.ipynb",
    executedPath: "/repo/out/notebooks/05_x.ipynb",
    seconds: 1,
    lateOutputs: 0,
  };
  assert.equal(describeFailure(run), "05_x.ipynb: ok");
  run.failure = {
    cellIndex: 4,
    codeCellNumber: 2,
    ename: "RangeError",
    evalue: "boom",
    source: "const a = 1;\nthrow a;",
  };
  assert.equal(
    describeFailure(run),
    "05_x.ipynb failed in code cell 2 (cell index 4): RangeError: boom\n" +
      "  cell source:\n    | const a = 1;\n    | throw a;\n" +
      "  executed notebook (with the error): /repo/out/notebooks/05_x.ipynb",
  );
  run.failure = { ...run.failure, cellIndex: -1, codeCellNumber: -1, source: "" };
  assert.match(describeFailure(run), /failed in an unknown cell: RangeError: boom\n/);
});

Deno.test({
  name:
    "executeNotebook() runs cells in order through the Deno kernel and stops at the first error",
  ignore: tools === undefined,
  // The driver and the kernel are child processes awaited to completion.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await ensureDenoKernelspec(tools!);
    await withTempDir("execute_notebook_", async (dir) => {
      const notebook = join(dir, "tiny.ipynb");
      await writeNotebook(notebook, [
        { markdown: "# Tiny" },
        { code: 'console.log("hello from " + Deno.env.get("TINY_ENV"));' },
        { code: "1 + 1" },
        { code: 'throw new RangeError("boom");' },
        { code: '"never reached"' },
      ]);
      const events: RunEvent[] = [];
      const run = await executeNotebook(tools!, notebook, {
        outDir: join(dir, "out"),
        env: { TINY_ENV: "the test" },
        cellTimeoutS: 120,
        onEvent: (e) => events.push(e),
      });
      assert.equal(run.executedPath, join(dir, "out", "tiny.ipynb"));
      assert.deepEqual(
        { ...run.failure, evalue: undefined },
        {
          cellIndex: 3,
          codeCellNumber: 3,
          ename: "RangeError",
          evalue: undefined,
          source: 'throw new RangeError("boom");',
        },
      );
      assert.match(run.failure!.evalue, /boom/);
      assert.match(describeFailure(run), /tiny\.ipynb failed in code cell 3 \(cell index 3\)/);
      const starts = events.filter((e) => e.type === "cell-start");
      assert.deepEqual(starts.map((e) => [e.cellIndex, e.codeCellNumber, e.codeCells]), [
        [1, 1, 4],
        [2, 2, 4],
        [3, 3, 4],
      ]);
      assert.deepEqual(
        events.filter((e) => e.type === "cell-done").map((e) => e.codeCellNumber),
        [1, 2, 3],
        "the failing cell is done too; the cell after it never starts",
      );
      const streamed = events.flatMap((e) => e.type === "stream" ? [e.text] : []).join("");
      assert.match(streamed, /hello from the test/);

      const executed = JSON.parse(await Deno.readTextFile(run.executedPath));
      const outputs = executed.cells.map((c: { outputs?: { output_type: string }[] }) =>
        c.outputs?.map((o) => o.output_type)
      );
      assert.deepEqual(outputs, [undefined, ["stream"], ["execute_result"], ["error"], []]);
      const value = [executed.cells[2].outputs[0].data["text/plain"]].flat().join("");
      // deno-lint-ignore no-control-regex
      assert.equal(value.replace(/\x1b\[[0-9;]*m/g, ""), "2");
    });
  },
});

Deno.test({
  name: "executeNotebook() throws with the driver's stderr when the notebook cannot be read",
  ignore: tools === undefined,
  fn: async () => {
    await withTempDir("execute_notebook_", async (dir) => {
      const notebook = join(dir, "broken.ipynb");
      await Deno.writeTextFile(notebook, "not a notebook");
      await assert.rejects(
        executeNotebook(tools!, notebook, { outDir: dir }),
        (error: Error) => {
          assert.match(error.message, /^Cannot execute .*broken\.ipynb: the nbclient driver/);
          assert.match(error.message, /exited with 1\.\n/);
          return true;
        },
      );
    });
  },
});
