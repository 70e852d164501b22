import assert from "node:assert/strict";
import {
  figureHtml,
  plotlyVersion,
  trainingCurvesFigure,
  visualizeImageAttr,
  writeFigureHtml,
} from "../../lib/mod.ts";

const BANNER = /plotly\.js v\d+\.\d+\.\d+/g;

Deno.test("`figureHtml()` embeds plotly.js once for several figures", async () => {
  const figs = [
    trainingCurvesFigure({ trainLoss: [1, 0.5] }),
    visualizeImageAttr([[1, 2], [3, 4]]),
  ];
  const html = figureHtml(figs);
  assert.equal(html.match(BANNER)?.length, 1);
  assert.equal(html.match(/class="captum-tfjs-figure"/g)?.length, 2);
  assert.match(html, /<title>Training curves: loss per epoch<\/title>/);
  const dir = await Deno.makeTempDir();
  try {
    await writeFigureHtml(figs, `${dir}/figs.html`);
    const written = await Deno.readTextFile(`${dir}/figs.html`);
    assert.equal(written.match(BANNER)?.length, 1);
    assert.equal(written.match(/class="captum-tfjs-figure"/g)?.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.match(plotlyVersion(), /^\d+\.\d+\.\d+$/);
});
