import assert from "node:assert/strict";
import {
  CHROMIUM_INSTALL_HINT,
  findJupyter,
  JUPYTER_APT_PACKAGES,
  JUPYTER_INSTALL_HINT,
  locateChromium,
  locateJupyter,
} from "../../../scripts/notebook/find_tools.ts";
import { runCommand } from "../../../scripts/notebook/run_command.ts";

const installed = await locateJupyter();

Deno.test("findJupyter() names the apt packages when no Python has nbclient", async () => {
  await assert.rejects(
    findJupyter({ pythons: ["/nonexistent/python3"], jupyters: ["/nonexistent/jupyter"] }),
    {
      name: "Error",
      message: "Cannot run notebooks: Jupyter was not found (no python3 can import nbclient, " +
        "nbformat, jupyter_client, nbconvert). Install Jupyter with: sudo apt-get install " +
        "jupyter-nbconvert python3-nbclient jupyter-client python3-notebook",
    },
  );
  assert.equal(
    JUPYTER_INSTALL_HINT,
    `Install Jupyter with: sudo apt-get install ${JUPYTER_APT_PACKAGES}`,
  );
  assert.match(CHROMIUM_INSTALL_HINT, /apt-get install chromium/);
});

Deno.test({
  name: "findJupyter() says when only the jupyter command is missing",
  ignore: installed === undefined,
  fn: async () => {
    await assert.rejects(
      findJupyter({ pythons: [installed!.python], jupyters: ["/nonexistent/jupyter"] }),
      /Jupyter was not found \(no `jupyter nbconvert` command\)\. Install Jupyter with/,
    );
  },
});

Deno.test("locateJupyter() answers undefined instead of throwing", async () => {
  assert.equal(await locateJupyter({ pythons: [], jupyters: [] }), undefined);
});

Deno.test({
  name: "findJupyter() prefers Debian's /usr/bin/python3 and /usr/bin/jupyter",
  ignore: installed === undefined,
  fn: async () => {
    const tools = await findJupyter();
    assert.deepEqual(tools, installed);
    const usrBin = await Deno.stat("/usr/bin/jupyter").then(() => true, () => false);
    if (usrBin) assert.equal(tools.jupyter, "/usr/bin/jupyter");
    const check = await runCommand(tools.python, ["-c", "import nbclient"]);
    assert.equal(check.code, 0, check.stderr);
  },
});

Deno.test("locateChromium() finds an executable or answers undefined", async () => {
  const chromium = await locateChromium();
  if (chromium === undefined) return;
  const stat = await Deno.stat(chromium);
  assert.ok(stat.isFile && ((stat.mode ?? 0o111) & 0o111) !== 0, `${chromium} is executable`);
});
