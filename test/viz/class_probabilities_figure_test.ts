import assert from "node:assert/strict";
import { classProbabilitiesFigure } from "../../lib/mod.ts";

const names = ["T-shirt/top", "Trouser", "Pullover"];

Deno.test("`classProbabilitiesFigure()` highlights the predicted class and marks the true one", () => {
  const fig = classProbabilitiesFigure([0.05, 0.25, 0.7], names, { trueLabel: 1 });
  const bar = fig.data[0];
  assert.equal(bar.type, "bar");
  const marker = bar.marker as { color: string[]; line: { color: string[] } };
  assert.deepEqual(marker.color, ["#9ecae1", "#9ecae1", "#d62728"]);
  assert.equal(marker.line.color[1], "#2ca02c");
  assert.equal(
    (fig.layout.title as { text: string }).text,
    "Class probabilities (predicted: Pullover, p = 0.700, true: Trouser)",
  );
  assert.throws(() => classProbabilitiesFigure([0.5, 0.5], names), /one name per class \(2\)/);
  assert.throws(() => classProbabilitiesFigure([[0.5, 0.5], [0.5, 0.5]], ["a", "b"]), TypeError);
  assert.throws(
    () => classProbabilitiesFigure([0.5, 0.5], ["a", "b"], { trueLabel: 2 }),
    RangeError,
  );
});
