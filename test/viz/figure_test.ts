import assert from "node:assert/strict";
import { JUPYTER_DISPLAY, trainingCurvesFigure } from "../../lib/mod.ts";

Deno.test('a figure\'s `Symbol.for("Jupyter.display")` outside Jupyter resolves to its full bundle', async () => {
  const fig = trainingCurvesFigure({ trainLoss: [1, 0.5] });
  const bundle = await fig[JUPYTER_DISPLAY]();
  assert.ok("application/vnd.plotly.v1+json" in bundle);
  assert.ok("text/html" in bundle);
});
