import assert from "node:assert/strict";
import { metricTableFigure } from "../../lib/mod.ts";

Deno.test("`metricTableFigure()` colours each metric by rank, best darkest, whatever its direction", () => {
  const fig = metricTableFigure([
    { method: "A", metric: "up", mean: 0.2, std: 0.01, higherIsBetter: true },
    { method: "B", metric: "up", mean: 0.6, std: 0.02, higherIsBetter: true },
    { method: "A", metric: "down", mean: 5, std: 1, higherIsBetter: false },
    { method: "B", metric: "down", mean: 7, std: 1, higherIsBetter: false },
  ]);
  const [trace] = fig.data;
  assert.deepEqual(trace.x, ["up ↑", "down ↓"]);
  assert.deepEqual(trace.y, ["A", "B"]);
  assert.deepEqual(trace.z, [[0, 1], [1, 0]]);
  assert.deepEqual(trace.text, [["0.200 ± 0.010", "5.000 ± 1.000"], [
    "0.600 ± 0.020",
    "7.000 ± 1.000",
  ]]);
});

Deno.test("`metricTableFigure()` pins its errors", () => {
  assert.throws(() => metricTableFigure([]), {
    name: "TypeError",
    message: /^Cannot draw the metric table: rows must be a non-empty array/,
  });
});
