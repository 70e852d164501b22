import assert from "node:assert/strict";
import { plotlyPath, plotlyVersion } from "../../lib/mod.ts";
import { plotlySource } from "../../lib/display/plotly_source.ts";

Deno.test("`plotlyPath()` finds the pinned plotly.js bundle on disk", () => {
  const path = plotlyPath();
  assert.match(path, /plotly\.js-dist-min[\\/]plotly\.min\.js$/);
  assert.ok(Deno.statSync(path).size > 1e6);
});

Deno.test("`plotlySource()` reads the bundle once and `plotlyVersion()` is the pinned 4.1.2", () => {
  const source = plotlySource();
  assert.equal(plotlySource(), source);
  assert.match(source.slice(0, 200), /plotly\.js v4\.1\.2/);
  assert.equal(plotlyVersion(), "4.1.2");
});
