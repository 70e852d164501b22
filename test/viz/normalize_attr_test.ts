import assert from "node:assert/strict";
import { cumulativeSumThreshold, normalizeAttr } from "../../lib/mod.ts";

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-12) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `index ${i}: ${actual[i]} != ${expected[i]} (all: ${Array.from(actual)})`,
    );
  }
}

// Expected values worked out by hand with Captum's _normalize_attr: channel sum, sign, sort,
// cumsum, first index with cumsum >= total * 0.01 * (100 - outlierPerc), divide, clip.
const attr = [1, -2, 3, -4]; // [2, 2, 1]

Deno.test("`cumulativeSumThreshold()` returns the first sorted value reaching the mass percentile", () => {
  assert.equal(cumulativeSumThreshold([4, 1, 3, 2], 98), 4); // 1,3,6,10 ≥ 9.8 at 4
  assert.equal(cumulativeSumThreshold([4, 1, 3, 2], 50), 3); // ≥ 5 at 6 → 3
  assert.equal(cumulativeSumThreshold([4, 1, 3, 2], 0), 1);
  assert.equal(cumulativeSumThreshold([0, 0, 0], 98), 0);
  assert.throws(() => cumulativeSumThreshold([1], 101), RangeError);
});

Deno.test("`normalizeAttr()` matches Captum for sign all (signed, thresholded on |a|)", () => {
  const n = normalizeAttr(attr, [2, 2, 1], { sign: "all" });
  assert.equal(n.threshold, 4);
  close(n.values, [0.25, -0.5, 0.75, -1]);
});

Deno.test("`normalizeAttr()` matches Captum for sign positive", () => {
  const n = normalizeAttr(attr, [2, 2, 1], { sign: "positive" });
  assert.equal(n.threshold, 3); // [0,0,1,3]: cumsum 0,0,1,4 ≥ 3.92 at 3
  close(n.values, [1 / 3, 0, 1, 0]);
});

Deno.test("`normalizeAttr()` matches Captum for sign negative (magnitudes, negative threshold)", () => {
  const n = normalizeAttr(attr, [2, 2, 1], { sign: "negative" });
  assert.equal(n.threshold, -4); // |neg| [0,0,2,4]: cumsum ≥ 5.88 at 4
  close(n.values, [0, 0.5, 0, 1]);
});

Deno.test("`normalizeAttr()` matches Captum for sign absolute_value (the default)", () => {
  const n = normalizeAttr(attr, [2, 2, 1]);
  assert.equal(n.threshold, 4);
  close(n.values, [0.25, 0.5, 0.75, 1]);
});

Deno.test("`normalizeAttr()` clips values above the outlier threshold to ±1", () => {
  const n = normalizeAttr(attr, [2, 2, 1], { sign: "all", outlierPerc: 50 });
  assert.equal(n.threshold, 3);
  close(n.values, [1 / 3, -2 / 3, 1, -1]);
});

Deno.test("`normalizeAttr()` sums channels before normalizing", () => {
  // [1, 2, 2]: pixel 0 = 0.5 + 0.5 = 1, pixel 1 = -1 - 1 = -2.
  const n = normalizeAttr([0.5, 0.5, -1, -1], [1, 2, 2], { sign: "all" });
  assert.equal(n.threshold, 2); // |.| [1,2]: cumsum 1,3 ≥ 2.94 at 2
  close(n.values, [0.5, -1]);
  assert.equal(n.height, 1);
  assert.equal(n.width, 2);
});

Deno.test("`normalizeAttr()` returns zeros and threshold 0 where Captum raises (zero threshold)", () => {
  const zero = normalizeAttr([0, 0, 0, 0], [2, 2, 1], { sign: "all" });
  assert.equal(zero.threshold, 0);
  close(zero.values, [0, 0, 0, 0]);
  const noPositive = normalizeAttr([-1, -2, 0, -3], [2, 2, 1], { sign: "positive" });
  assert.equal(noPositive.threshold, 0);
  close(noPositive.values, [0, 0, 0, 0]);
});

Deno.test("`normalizeAttr()` rejects an unknown sign and an outlierPerc outside 0..100", () => {
  assert.throws(
    () => normalizeAttr(attr, [2, 2, 1], { sign: "both" as never }),
    /RangeError: Cannot normalize attributions: sign must be one of "all", "positive", "negative", "absolute_value", received "both"/,
  );
  assert.throws(
    () => normalizeAttr(attr, [2, 2, 1], { outlierPerc: 120 }),
    /outlierPerc must be a number within 0..100, received 120/,
  );
  assert.throws(() => normalizeAttr(attr, [2, 3, 1]), TypeError);
});

Deno.test("`normalizeAttr()` returns the sign-selected map in attribution units as combined", () => {
  const a = new Float64Array([1, -2, 3, -4]);
  const combined = (sign: "all" | "positive" | "negative" | "absolute_value") =>
    Array.from(normalizeAttr(a, [2, 2], { sign }).combined);
  assert.deepEqual(combined("all"), [1, -2, 3, -4]);
  assert.deepEqual(combined("positive"), [1, 0, 3, 0]);
  assert.deepEqual(combined("negative"), [0, 2, 0, 4]);
  assert.deepEqual(combined("absolute_value"), [1, 2, 3, 4]);
});
