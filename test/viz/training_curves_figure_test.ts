import assert from "node:assert/strict";
import { trainingCurvesFigure } from "../../lib/mod.ts";

Deno.test("`trainingCurvesFigure()` plots loss and accuracy per epoch on two subplots", () => {
  const fig = trainingCurvesFigure({
    trainLoss: [0.9, 0.5],
    valLoss: [0.7, 0.45],
    valAccuracy: [0.75, 0.85],
  });
  assert.deepEqual(fig.data.map((d) => [d.name, d.xaxis, d.yaxis]), [
    ["train loss", "x", "y"],
    ["validation loss", "x", "y"],
    ["validation accuracy", "x2", "y2"],
  ]);
  assert.deepEqual(fig.data[0].x, [1, 2]);
  assert.equal((fig.layout.yaxis2 as { title: { text: string } }).title.text, "accuracy");
  assert.equal(
    (fig.layout.title as { text: string }).text,
    "Training curves: loss and accuracy per epoch",
  );
  const lossOnly = trainingCurvesFigure({ trainLoss: [1, 0.5], epochNumbers: [5, 6] });
  assert.deepEqual(lossOnly.data[0].x, [5, 6]);
  assert.equal((lossOnly.layout.title as { text: string }).text, "Training curves: loss per epoch");
  assert.throws(() => trainingCurvesFigure({}), /at least one of trainLoss/);
  assert.throws(
    () => trainingCurvesFigure({ trainLoss: [1], epochNumbers: [1, 2] }),
    /has 1 values but epochNumbers has 2/,
  );
});
