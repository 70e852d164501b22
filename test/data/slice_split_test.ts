import assert from "node:assert/strict";
import { sliceSplit } from "../../lib/mod.ts";
import { syntheticSplit } from "../_helpers/synthetic_split.ts";

Deno.test("`sliceSplit()` keeps images and labels aligned, with negative and end indices", () => {
  const split = syntheticSplit(20);
  const part = sliceSplit(split, 15);
  assert.equal(part.count, 5);
  assert.deepEqual(Array.from(part.labels), [5, 6, 7, 8, 9]);
  assert.equal(sliceSplit(split, -3).count, 3);
  assert.equal(sliceSplit(split, 5, 8).images[0], 5 / 20);
});
