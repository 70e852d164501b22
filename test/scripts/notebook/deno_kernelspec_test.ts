import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ensureDenoKernelspec,
  listKernelspecs,
} from "../../../scripts/notebook/deno_kernelspec.ts";
import { locateJupyter } from "../../../scripts/notebook/find_tools.ts";
import { withTempDir } from "../../_helpers/temp_dir.ts";
import { writeScript } from "../../_helpers/tiny_notebook.ts";

/** A fake `jupyter` that lists these kernelspecs, and a fake `deno` that records its args. */
async function fakes(dir: string, listing: string, denoExit = 0) {
  const jupyter = join(dir, "jupyter");
  const deno = join(dir, "deno");
  const record = join(dir, "deno-args");
  await writeScript(jupyter, `cat <<'JSON'\n${listing}\nJSON`);
  await writeScript(deno, `echo "$@" > ${record}; echo broken >&2; exit ${denoExit}`);
  const calledWith = () => Deno.readTextFile(record).then((t) => t.trim(), () => undefined);
  return { jupyter, deno, calledWith };
}

const LISTED = JSON.stringify({ kernelspecs: { deno: {}, python3: {} } });
const UNLISTED = JSON.stringify({ kernelspecs: { python3: {} } });

Deno.test("listKernelspecs() reads `jupyter kernelspec list --json`", async () => {
  await withTempDir("kernelspec_", async (dir) => {
    const { jupyter } = await fakes(dir, LISTED);
    assert.deepEqual(await listKernelspecs({ jupyter }), ["deno", "python3"]);
    const broken = await fakes(dir, "not json");
    assert.equal(await listKernelspecs({ jupyter: broken.jupyter }), undefined);
  });
});

Deno.test("ensureDenoKernelspec() leaves a listed Deno kernel alone", async () => {
  await withTempDir("kernelspec_", async (dir) => {
    const { jupyter, deno, calledWith } = await fakes(dir, LISTED);
    assert.equal(await ensureDenoKernelspec({ jupyter }, { deno }), false);
    assert.equal(await calledWith(), undefined, "deno jupyter --install not run");
  });
});

Deno.test("ensureDenoKernelspec() installs the kernel when it is not listed", async () => {
  await withTempDir("kernelspec_", async (dir) => {
    const { jupyter, deno, calledWith } = await fakes(dir, UNLISTED);
    assert.equal(await ensureDenoKernelspec({ jupyter }, { deno }), true);
    assert.equal(await calledWith(), "jupyter --install");
  });
});

Deno.test("ensureDenoKernelspec() says why `deno jupyter --install` failed", async () => {
  await withTempDir("kernelspec_", async (dir) => {
    const { jupyter, deno } = await fakes(dir, UNLISTED, 4);
    await assert.rejects(ensureDenoKernelspec({ jupyter }, { deno }), {
      message: "Cannot install the Deno Jupyter kernel: `deno jupyter --install` exited with 4: " +
        "broken",
    });
  });
});

const tools = await locateJupyter();

Deno.test({
  name: "ensureDenoKernelspec() leaves the real Jupyter listing the Deno kernel",
  ignore: tools === undefined,
  fn: async () => {
    await ensureDenoKernelspec(tools!);
    assert.ok((await listKernelspecs(tools!))?.includes("deno"));
    assert.equal(await ensureDenoKernelspec(tools!), false, "second call installs nothing");
  },
});
