import assert from "node:assert/strict";
import { confusionMatrix } from "../../lib/mod.ts";

Deno.test("`confusionMatrix()` counts true (rows) against predicted (columns)", () => {
  const { numClasses, counts, normalized } = confusionMatrix(
    [0, 0, 1, 1, 2, 2, 2, 3],
    [0, 1, 1, 1, 2, 0, 2, 0],
    5,
  );
  assert.equal(numClasses, 5);
  assert.deepEqual(counts, [
    [1, 1, 0, 0, 0],
    [0, 2, 0, 0, 0],
    [1, 0, 2, 0, 0],
    [1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0],
  ]);
  assert.deepEqual(normalized, [
    [0.5, 0.5, 0, 0, 0],
    [0, 1, 0, 0, 0],
    [1 / 3, 0, 2 / 3, 0, 0],
    [1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0], // a class without examples: zeros, not NaN
  ]);
});

Deno.test("`confusionMatrix()` rejects out-of-range labels and bad numClasses with RangeError", () => {
  assert.throws(
    () => confusionMatrix([0, 3], [0, 1], 3),
    (e: Error) =>
      e instanceof RangeError &&
      /yTrue\[1\] must be an integer in \[0, 3\), received 3/.test(e.message),
  );
  assert.throws(() => confusionMatrix([0], [-1], 3), /yPred\[0\] must be an integer/);
  assert.throws(() => confusionMatrix([0], [0], 0), /numClasses must be a positive integer/);
  assert.throws(() => confusionMatrix([0], [0, 1], 2), TypeError);
});
