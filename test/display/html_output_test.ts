import assert from "node:assert/strict";
import { HtmlOutput } from "../../lib/mod.ts";

Deno.test("`HtmlOutput` is a Jupyter display object with text/html and text/plain", async () => {
  const out = new HtmlOutput("<b>x</b>", "a bold x");
  const bundle = await (out as unknown as Record<symbol, () => Promise<Record<string, string>>>)
    [Symbol.for("Jupyter.display")]();
  assert.deepEqual(bundle, { "text/html": "<b>x</b>", "text/plain": "a bold x" });
  assert.deepEqual(out.mimeBundle(), bundle);
  assert.equal(String(out), "<b>x</b>");
});
