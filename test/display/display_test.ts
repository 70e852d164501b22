import assert from "node:assert/strict";
import { display, trainingCurvesFigure } from "../../lib/mod.ts";

Deno.test("`display()` outside Jupyter prints a one-line description instead of failing", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await display(trainingCurvesFigure({ trainLoss: [1, 0.5] }));
  } finally {
    console.log = log;
  }
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /^Plotly figure: Training curves: loss per epoch \(train loss\) \(not in Jupyter: save it with writeFigureHtml\(fig, path\)\)$/,
  );
});
