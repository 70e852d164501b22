import assert from "node:assert/strict";
import { Concept, significanceSets, type TCAVScores, tcavSignificance } from "../../lib/mod.ts";
import { ttestInd } from "../../lib/concept/_stats.ts";

const [striped, r0, r1, r2, r3] = ["striped", "r0", "r1", "r2", "r3"].map((n, i) =>
  new Concept(i, n, null)
);

/** Scores of the significance sets at two layers: `[concept or counterpart score, other]`. */
function scoresOf(conceptScores: number[], randomScores: number[]): TCAVScores {
  const scores: TCAVScores = {};
  [r1, r2, r3].forEach((r, i) => {
    for (const [first, value] of [[striped, conceptScores[i]], [r0, randomScores[i]]] as const) {
      scores[`${first.id}-${r.id}`] = {
        conv2: { signCount: [value, 1 - value], magnitude: [2 * value, -2 * value] },
        dense: { signCount: [0.5, 0.5], magnitude: [0, 0] },
      };
    }
  });
  return scores;
}

Deno.test("`significanceSets()` pairs the concept and the first random concept with the others", () => {
  const sets = significanceSets(striped, [r0, r1, r2, r3]);
  assert.deepEqual(sets.conceptSets, [[striped, r1], [striped, r2], [striped, r3]]);
  assert.deepEqual(sets.randomSets, [[r0, r1], [r0, r2], [r0, r3]]);
  assert.throws(
    () => significanceSets(striped, [r0, r1]),
    /Cannot build the significance sets: randomConcepts must be at least three random concepts/,
  );
});

Deno.test("`tcavSignificance()` t-tests the concept's scores against the counterpart's, per layer", () => {
  const sets = significanceSets(striped, [r0, r1, r2, r3]);
  const scores = scoresOf([0.9, 0.8, 0.95], [0.5, 0.4, 0.6]);
  const [conv2, dense] = tcavSignificance(scores, sets);
  assert.deepEqual(conv2.conceptScores, [0.9, 0.8, 0.95]);
  assert.deepEqual(conv2.randomScores, [0.5, 0.4, 0.6]);
  const expected = ttestInd([0.9, 0.8, 0.95], [0.5, 0.4, 0.6]);
  assert.equal(conv2.tStatistic, expected.statistic);
  assert.equal(conv2.pValue, expected.pvalue);
  assert.ok(conv2.significant && conv2.pValue < 0.01);
  assert.ok(Math.abs(conv2.conceptMean - 0.8833333333333333) < 1e-15);
  assert.ok(Math.abs(conv2.randomStd - 0.1) < 1e-15);
  // Constant equal scores: SciPy's NaN, not significant.
  assert.equal(dense.layer, "dense");
  assert.ok(Number.isNaN(dense.pValue) && !dense.significant);
  // Magnitude, Welch's test, one layer.
  const [m] = tcavSignificance(scores, sets, {
    scoreType: "magnitude",
    equalVar: false,
    layers: ["conv2"],
  });
  assert.deepEqual(m.conceptScores, [1.8, 1.6, 1.9]);
  assert.equal(m.pValue, ttestInd([1.8, 1.6, 1.9], [1, 0.8, 1.2], false).pvalue);
});

Deno.test("`tcavSignificance()` names what is missing or wrong", () => {
  const sets = significanceSets(striped, [r0, r1, r2, r3]);
  const scores = scoresOf([0.9, 0.8, 0.95], [0.5, 0.4, 0.6]);
  assert.throws(
    () => tcavSignificance(scores, sets, { scoreType: "sign_count" as never }),
    /scoreType must be one of "signCount", "magnitude", received "sign_count"/,
  );
  assert.throws(
    () => tcavSignificance(scores, sets, { alpha: 1 }),
    /alpha must be a number in \(0, 1\)/,
  );
  assert.throws(
    () => tcavSignificance(scores, { ...sets, conceptSets: [[striped, r1], [r2, r1]] }),
    /sets.conceptSets must be two or more experimental sets that share their first concept, received \["0-2", "3-2"\]/,
  );
  const { ["0-3"]: _, ...partial } = scores;
  assert.throws(
    () => tcavSignificance(partial, sets),
    /scores\["0-3"\] must be the scores of every experimental set.*Score \[...sets.conceptSets, ...sets.randomSets\] with TCAV.interpret/,
  );
  assert.throws(
    () => tcavSignificance(scores, sets, { layers: ["conv1"] }),
    /scores\["0-2"\]\["conv1"\] must be the layer's scores/,
  );
});
