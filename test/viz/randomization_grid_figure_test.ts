import assert from "node:assert/strict";
import { randomizationGridFigure } from "../../lib/mod.ts";
import { randomizationResult } from "./_randomization_results.ts";

Deno.test("`randomizationGridFigure()` shows a row per method, the original map then each step", () => {
  const fig = randomizationGridFigure({
    A: randomizationResult([0.5, 0.1]),
    B: randomizationResult([1, 1]),
  });
  assert.equal(fig.data.length, 6); // 2 methods × 3 maps
  // grey normalization: |map| from its minimum to its 99th percentile (4.95), clipped
  assert.deepEqual(fig.data[0].z, [[0, 0.2, 0.4], [0.61, 0.81, 1]]);
  const titles = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
  assert.deepEqual(titles.slice(0, 4), ["original", "A", "dense", "+conv1"]);
});

Deno.test("`randomizationGridFigure()` pins its errors", () => {
  const noMaps = randomizationResult([0, 0]);
  noMaps.maps.original = [];
  assert.throws(() => randomizationGridFigure({ A: noMaps }), {
    name: "TypeError",
    message:
      /every result must hold kept maps, received results without maps\. Run modelParameterRandomization with keepMaps: 1/,
  });
  assert.throws(() => randomizationGridFigure({ A: randomizationResult([0, 0]) }, { example: 1 }), {
    name: "RangeError",
    message: /example must be an integer in \[0, 0\], received 1/,
  });
});
