import assert from "node:assert/strict";
import { COLOR_SCALE_NAMES, colorScale } from "../../lib/mod.ts";

Deno.test("`colorScale()` resolves matplotlib names in matplotlib's order, case-insensitively", () => {
  assert.deepEqual(colorScale("bwr"), [
    [0, "rgb(0,0,255)"],
    [0.5, "rgb(255,255,255)"],
    [1, "rgb(255,0,0)"],
  ]);
  const rdbu = colorScale("RdBu");
  assert.deepEqual(rdbu[0], [0, "rgb(103,0,31)"]); // dark red at the low end, as matplotlib
  assert.deepEqual(rdbu.at(-1), [1, "rgb(5,48,97)"]);
  assert.deepEqual(colorScale("Viridis"), colorScale("viridis"));
  assert.deepEqual(colorScale("viridis")[0], [0, "rgb(68,1,84)"]);
  assert.deepEqual(colorScale("gray"), [[0, "rgb(0,0,0)"], [1, "rgb(255,255,255)"]]);
  assert.deepEqual(colorScale("grey"), colorScale("gray"));
  assert.deepEqual(colorScale("Blues").at(-1), [1, "rgb(8,48,107)"]);
  assert.deepEqual(colorScale("Greens").at(-1), [1, "rgb(0,68,27)"]);
  assert.deepEqual(colorScale("Reds").at(-1), [1, "rgb(103,0,13)"]);
  for (const name of COLOR_SCALE_NAMES) {
    const cs = colorScale(name);
    assert.equal(cs[0][0], 0, name);
    assert.equal(cs.at(-1)![0], 1, name);
  }
});

Deno.test("`colorScale()` reverses with _r, keeping uneven positions", () => {
  const rdbuR = colorScale("RdBu_r");
  assert.deepEqual(rdbuR[0], [0, "rgb(5,48,97)"]); // blue for negative, red for positive
  assert.deepEqual(rdbuR.at(-1), [1, "rgb(103,0,31)"]);
  assert.deepEqual(colorScale("hot_r").map(([p]) => p), [0, 1 - 0.746, 1 - 0.3651, 1]);
  assert.deepEqual(colorScale("hot_r")[0], [0, "rgb(255,255,255)"]);
});

Deno.test("`colorScale()` takes colour lists and Plotly [position, colour] arrays", () => {
  assert.deepEqual(colorScale(["white", "#08306b", "rgb(1, 2, 3)"]), [
    [0, "rgb(255,255,255)"],
    [0.5, "rgb(8,48,107)"],
    [1, "rgb(1,2,3)"],
  ]);
  assert.deepEqual(colorScale([[0, "#fff"], [0.2, "red"], [1, "rgba(0,0,255,0.5)"]]), [
    [0, "rgb(255,255,255)"],
    [0.2, "rgb(255,0,0)"],
    [1, "rgb(0,0,255)"],
  ]);
});

Deno.test("`colorScale()` pins its errors", () => {
  assert.throws(
    () => colorScale("RdBlu"),
    (e: Error) =>
      e instanceof RangeError &&
      e.message.startsWith('Cannot resolve the colour scale: unknown colour scale "RdBlu". ') &&
      e.message.includes("Blues, Greens, Reds") && e.message.includes("viridis") &&
      e.message.includes('append "_r" to reverse'),
  );
  assert.throws(() => colorScale(["white", "nocolour"]), /entry 1 has colour "nocolour"/);
  assert.throws(
    () => colorScale([[0, "white"], [0.7, "red"], [0.5, "blue"], [1, "black"]]),
    /positions must rise from 0 to 1, received \[0, 0.7, 0.5, 1\]/,
  );
  assert.throws(() => colorScale(["white"]), TypeError);
});
