import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_OUT_DIR, NOTEBOOKS_DIR, REPO_ROOT } from "../../../scripts/notebook/paths.ts";

Deno.test("REPO_ROOT is the repository root, with notebooks/ and out/ under it", async () => {
  assert.ok((await Deno.stat(join(REPO_ROOT, "deno.json"))).isFile);
  assert.equal(NOTEBOOKS_DIR, join(REPO_ROOT, "notebooks"));
  assert.ok((await Deno.stat(NOTEBOOKS_DIR)).isDirectory);
  assert.equal(DEFAULT_OUT_DIR, join(REPO_ROOT, "out", "notebooks"));
});
