import assert from "node:assert/strict";
import { misclassifiedIndices } from "../../lib/mod.ts";

Deno.test("`misclassifiedIndices()` lists the wrong positions in order, up to limit", () => {
  const yTrue = [0, 1, 2, 2, 1, 0];
  const yPred = new Int32Array([0, 2, 2, 0, 0, 0]);
  assert.deepEqual(misclassifiedIndices(yTrue, yPred), [1, 3, 4]);
  assert.deepEqual(misclassifiedIndices(yTrue, yPred, { limit: 2 }), [1, 3]);
  assert.deepEqual(misclassifiedIndices(yTrue, yPred, { limit: 0 }), []);
  assert.deepEqual(misclassifiedIndices([1, 2], [1, 2]), []);
});

Deno.test("`misclassifiedIndices()` rejects mismatched lengths and bad limits", () => {
  assert.throws(() => misclassifiedIndices([0, 1], [0]), TypeError);
  assert.throws(
    () => misclassifiedIndices([0], [0], { limit: -1 }),
    (e: Error) =>
      e instanceof RangeError &&
      /Cannot find the misclassified examples: limit must be a non-negative integer or Infinity, received -1/
        .test(e.message),
  );
});
