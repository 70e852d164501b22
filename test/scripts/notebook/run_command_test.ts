import assert from "node:assert/strict";
import { QUIET_PYTHON_ENV, runCommand } from "../../../scripts/notebook/run_command.ts";
import { withTempDir } from "../../_helpers/temp_dir.ts";

const deno = Deno.execPath();

Deno.test("runCommand() collects stdout, stderr and the exit status", async () => {
  const result = await runCommand(deno, [
    "eval",
    "console.log('out'); console.error('err'); Deno.exit(3)",
  ]);
  assert.deepEqual(result, { code: 3, stdout: "out\n", stderr: "err\n" });
});

Deno.test("runCommand() passes extra environment variables and the working directory", async () => {
  await withTempDir("run_command_", async (dir) => {
    const result = await runCommand(
      deno,
      ["eval", "console.log(Deno.env.get('RUN_COMMAND_TEST') + ' ' + Deno.cwd())"],
      { env: { RUN_COMMAND_TEST: "yes" }, cwd: dir },
    );
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), `yes ${await Deno.realPath(dir)}`);
  });
});

Deno.test("runCommand() answers 127 for a program that does not exist", async () => {
  const result = await runCommand("/nonexistent/program", ["--version"]);
  assert.deepEqual(result, { code: 127, stdout: "", stderr: "/nonexistent/program: not found" });
});

Deno.test("runCommand() kills a program that runs past timeoutMs", async () => {
  const start = performance.now();
  const result = await runCommand(
    deno,
    ["eval", "await new Promise((r) => setTimeout(r, 20000))"],
    {
      timeoutMs: 300,
    },
  );
  assert.notEqual(result.code, 0);
  assert.ok(performance.now() - start < 10000, "killed well before the program's 20 s");
});

Deno.test("QUIET_PYTHON_ENV silences Debian's pydevd warning", () => {
  assert.equal(QUIET_PYTHON_ENV.PYDEVD_DISABLE_FILE_VALIDATION, "1");
});
