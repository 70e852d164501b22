import assert from "node:assert/strict";
import { tcavFigure, type TCAVSignificance } from "../../lib/mod.ts";

function result(concept: string, layer: string, pValue: number): TCAVSignificance {
  return {
    concept,
    layer,
    scoreType: "signCount",
    conceptScores: [0.9, 0.8],
    randomScores: [0.5, 0.4],
    conceptMean: 0.85,
    conceptStd: 0.07,
    randomMean: 0.45,
    randomStd: 0.07,
    tStatistic: 5.7,
    pValue,
    alpha: 0.05,
    significant: pValue < 0.05,
  };
}

Deno.test("`tcavFigure()` groups concepts and their random counterparts by layer, fading what is not significant", () => {
  const fig = tcavFigure([
    result("striped", "conv2", 0.003),
    result("striped", "dense", 0.4),
    result("dotted", "conv2", 2e-6),
  ]);
  assert.deepEqual(fig.data.map((t) => t.name), [
    "striped",
    "random (vs striped)",
    "dotted",
    "random (vs dotted)",
  ]);
  const [striped, , dotted] = fig.data;
  assert.deepEqual(striped.x, ["conv2", "dense"]);
  assert.deepEqual(striped.text, ["p = 0.003 *", "n.s."]);
  assert.deepEqual((striped.marker as { opacity: number[] }).opacity, [1, 0.35]);
  // A concept without a layer's result gets no bar there.
  assert.deepEqual(dotted.y, [0.85, null]);
  assert.deepEqual(dotted.text, ["p = 2.0e-6 *", ""]);
  assert.equal(fig.layout.barmode, "group");
  assert.equal(
    (fig.layout.title as { text: string }).text,
    "TCAV scores (sign count): concepts against random counterparts",
  );
  assert.throws(() => tcavFigure([]), /results must be a non-empty array/);
  assert.throws(
    () => tcavFigure([result("a", "l", 0.1), { ...result("b", "l", 0.1), scoreType: "magnitude" }]),
    /results must share one scoreType, received \["signCount","magnitude"\]/,
  );
});
