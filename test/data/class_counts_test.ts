import assert from "node:assert/strict";
import { classCounts } from "../../lib/mod.ts";

Deno.test("`classCounts()` counts each class, zero for absent classes", () => {
  assert.deepEqual(classCounts([0, 2, 2, 1, 2], 4), [1, 1, 3, 0]);
  assert.deepEqual(classCounts(new Uint8Array([3, 3, 0]), 4), [1, 0, 0, 2]);
  assert.deepEqual(classCounts([], 3), [0, 0, 0]);
});

Deno.test("`classCounts()` rejects bad labels and numClasses with RangeError", () => {
  assert.throws(
    () => classCounts([0, 4], 4),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot count the labels per class: labels[1] must be an integer in [0, 4), received 4. " +
          "Pass class indices below numClasses (or raise numClasses).",
  );
  assert.throws(() => classCounts([1.5], 4), /labels\[0\] must be an integer in \[0, 4\)/);
  assert.throws(() => classCounts([-1], 4), RangeError);
  assert.throws(() => classCounts([0], 0), /numClasses must be a positive integer, received 0/);
  assert.throws(() => classCounts(undefined as unknown as number[], 2), TypeError);
});
