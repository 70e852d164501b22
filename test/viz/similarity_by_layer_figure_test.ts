import assert from "node:assert/strict";
import { similarityByLayerFigure } from "../../lib/mod.ts";
import { randomizationResult } from "./_randomization_results.ts";

Deno.test("`similarityByLayerFigure()` plots the mean similarity per step, from 1, per measure", () => {
  const fig = similarityByLayerFigure({
    A: randomizationResult([0.5, 0.1]),
    B: randomizationResult([1, 1]),
  });
  assert.equal(fig.data.length, 8); // 4 measures × 2 methods
  assert.deepEqual(fig.data[0].x, ["none", "dense", "+conv1"]);
  assert.deepEqual(fig.data[0].y, [1, 0.5, 0.1]);
  assert.deepEqual(fig.data[2].y, [1, 0.4, 0]); // spearman: mean of (v, v − 0.2)
  const one = similarityByLayerFigure({ A: randomizationResult([0.5, 0.1], "independent") }, {
    measures: ["ssim"],
  });
  assert.equal(one.data.length, 1);
  assert.deepEqual(one.data[0].x, ["none", "dense", "conv1"]);
});

Deno.test("`similarityByLayerFigure()` pins its errors", () => {
  assert.throws(() => similarityByLayerFigure({}), {
    name: "TypeError",
    message: /^Cannot draw the similarity by layer: results must map method names/,
  });
});
