import assert from "node:assert/strict";
import {
  Figure,
  figureMimeBundle,
  JUPYTER_DISPLAY,
  resetPlotlyInjection,
  trainingCurvesFigure,
  visualizeImageAttr,
} from "../../lib/mod.ts";

const BANNER = /plotly\.js v\d+\.\d+\.\d+/g;

Deno.test("`figureMimeBundle()` sends plotly.js with the first figure only", () => {
  resetPlotlyInjection();
  const fig = trainingCurvesFigure({ trainLoss: [1, 0.5] });
  const first = figureMimeBundle(fig);
  const second = figureMimeBundle(fig);
  assert.equal(first["text/html"].match(BANNER)?.length, 1);
  assert.equal(second["text/html"].match(BANNER), null);
  assert.match(second["text/html"], /window\.Plotly/); // waits for Plotly from the first
  assert.ok(first["text/html"].length < 7e6, `first output is ${first["text/html"].length} bytes`);
  assert.ok(second["text/html"].length < 20_000);
  // the RequireJS guard hides and restores define around the bundle
  assert.match(
    first["text/html"],
    /window\.define = undefined;[\s\S]*plotly\.js v[\s\S]*window\.define = window\.__captumTfjsDefine/,
  );
  assert.doesNotMatch(first["text/html"], /<\/script[^>]*>[^<]*\bmodule\.exports/);
  resetPlotlyInjection();
  assert.equal(figureMimeBundle(fig)["text/html"].match(BANNER)?.length, 1);
});

Deno.test("`figureMimeBundle()` carries the Plotly JSON, text/plain and no unescaped </script>", async () => {
  const fig = new Figure({
    data: [{ type: "bar", x: ["</script><b>x</b>"], y: [1] }],
    layout: { title: { text: "A bar" } },
  });
  const b = figureMimeBundle(fig, { includePlotly: false });
  assert.deepEqual(b["application/vnd.plotly.v1+json"], fig.toJSON());
  assert.deepEqual(Object.keys(b["application/vnd.plotly.v1+json"]), ["data", "layout", "config"]);
  assert.equal(b["text/plain"], "Plotly figure: A bar");
  assert.equal(b["text/html"].match(/<\/script>/g)?.length, 1); // only the closing tag
  assert.deepEqual(Object.keys(await fig[JUPYTER_DISPLAY]()).sort(), [
    "application/vnd.plotly.v1+json",
    "text/html",
    "text/plain",
  ]);
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
});

Deno.test("`figureMimeBundle()` adds image/png for image-like figures", () => {
  const b = figureMimeBundle(visualizeImageAttr([[1, 2], [3, 4]]), { includePlotly: false });
  assert.ok(b["image/png"]);
  assert.match(b["image/png"]!, /^iVBORw0KGgo/); // base64 of the PNG signature
});
