import assert from "node:assert/strict";
import { accuracy } from "../../lib/mod.ts";

Deno.test("`accuracy()` is the fraction of matching labels", () => {
  assert.equal(accuracy([0, 1, 2, 2], [0, 1, 1, 2]), 0.75);
  assert.equal(accuracy(new Uint8Array([3, 3]), new Int32Array([3, 3])), 1);
  assert.equal(accuracy([1], [0]), 0);
});

Deno.test("`accuracy()` rejects different lengths (TypeError) and empty input (RangeError)", () => {
  assert.throws(
    () => accuracy([0, 1], [0]),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot compute accuracy: yTrue and yPred must have the same length, received 2 and 1. Pass one prediction per label.",
  );
  assert.throws(() => accuracy([], []), RangeError);
});
