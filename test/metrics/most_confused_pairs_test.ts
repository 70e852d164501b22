import assert from "node:assert/strict";
import { confusionMatrix, mostConfusedPairs } from "../../lib/mod.ts";

// Rows = true class, columns = predicted class. Row totals: 10, 5, 8.
const COUNTS = [
  [6, 3, 1],
  [2, 3, 0],
  [0, 3, 5],
];

Deno.test("`mostConfusedPairs()` sorts the off-diagonal cells by count, ties by class", () => {
  const pairs = mostConfusedPairs(COUNTS);
  assert.deepEqual(pairs, [
    { trueClass: 0, predictedClass: 1, count: 3, rate: 3 / 10 },
    { trueClass: 2, predictedClass: 1, count: 3, rate: 3 / 8 },
    { trueClass: 1, predictedClass: 0, count: 2, rate: 2 / 5 },
    { trueClass: 0, predictedClass: 2, count: 1, rate: 1 / 10 },
  ]); // the two zero cells (1→2, 2→0) and the diagonal are left out
});

Deno.test("`mostConfusedPairs()` honours k and classNames", () => {
  const pairs = mostConfusedPairs(COUNTS, { k: 2, classNames: ["a", "b", "c"] });
  assert.deepEqual(pairs, [
    { trueClass: 0, predictedClass: 1, count: 3, rate: 0.3, trueName: "a", predictedName: "b" },
    { trueClass: 2, predictedClass: 1, count: 3, rate: 0.375, trueName: "c", predictedName: "b" },
  ]);
  assert.equal(mostConfusedPairs(COUNTS, { k: Infinity }).length, 4);
});

Deno.test("`mostConfusedPairs()` takes a confusionMatrix() result (rate = normalized cell)", () => {
  const matrix = confusionMatrix([0, 0, 0, 1, 1, 2], [0, 1, 1, 0, 1, 2], 3);
  const pairs = mostConfusedPairs(matrix);
  assert.deepEqual(pairs, [
    { trueClass: 0, predictedClass: 1, count: 2, rate: 2 / 3 },
    { trueClass: 1, predictedClass: 0, count: 1, rate: 1 / 2 },
  ]);
  for (const p of pairs) assert.equal(p.rate, matrix.normalized[p.trueClass][p.predictedClass]);
  // A perfect classifier confuses nothing.
  assert.deepEqual(mostConfusedPairs(confusionMatrix([0, 1], [0, 1], 2)), []);
});

Deno.test("`mostConfusedPairs()` rejects bad matrices, k and classNames", () => {
  assert.throws(
    () => mostConfusedPairs([[1, 2], [3]]),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot find the most confused class pairs: confusion must be a confusionMatrix() result " +
          "or a non-empty square matrix of counts, received 2 rows of lengths [2, 1]. " +
          "Pass confusionMatrix(yTrue, yPred, numClasses).",
  );
  assert.throws(() => mostConfusedPairs([]), TypeError);
  assert.throws(
    () => mostConfusedPairs([[1, -1], [0, 1]]),
    (e: Error) =>
      e instanceof RangeError && /confusion\[0\]\[1\] must be a non-negative count/.test(e.message),
  );
  assert.throws(() => mostConfusedPairs(COUNTS, { k: 0 }), /k must be a positive integer/);
  assert.throws(() => mostConfusedPairs(COUNTS, { k: 1.5 }), RangeError);
  assert.throws(
    () => mostConfusedPairs(COUNTS, { classNames: ["a", "b"] }),
    /classNames must name all 3 classes, received 2 names/,
  );
});
