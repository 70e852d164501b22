import assert from "node:assert/strict";
import { formatBytes, ProgressBar } from "../../lib/display/progress_bar.ts";
import { captureStderr } from "../_helpers/capture_stderr.ts";

/** What `run` writes to stderr. */
async function stderrOf(run: () => Promise<void>): Promise<string> {
  return (await captureStderr(run)).text;
}

Deno.test("`ProgressBar` in lines mode prints a line per crossed step and the final state", async () => {
  const text = await stderrOf(async () => {
    const bar = new ProgressBar({
      label: "Epoch 1/2",
      total: 4,
      mode: "lines",
      lineEveryPercent: 50,
    });
    for (let done = 1; done <= 4; done++) await bar.update(done, `${done}/4`);
    await bar.finish("done");
  });
  assert.deepEqual(text.trim().split("\n"), [
    `Epoch 1/2 ${"█".repeat(8)}${"░".repeat(22)}  25% 1/4`,
    `Epoch 1/2 ${"█".repeat(15)}${"░".repeat(15)}  50% 2/4`,
    `Epoch 1/2 ${"█".repeat(30)} 100% 4/4`,
    `Epoch 1/2 ${"█".repeat(30)} 100% done`,
  ]);
});

Deno.test("`ProgressBar` in none mode prints nothing; `formatBytes()` picks the unit", async () => {
  const text = await stderrOf(async () => {
    const bar = new ProgressBar({ label: "x", total: 2, mode: "none" });
    await bar.update(1);
    await bar.finish();
  });
  assert.equal(text, "");
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1536), "1.5 kB");
  assert.equal(formatBytes(3 * 1024 * 1024), "3.0 MB");
});
