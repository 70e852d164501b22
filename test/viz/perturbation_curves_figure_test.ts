import assert from "node:assert/strict";
import { perturbationCurvesFigure } from "../../lib/mod.ts";

const curve = (a: number, b: number) => ({
  fractions: [0, 0.5, 1],
  scores: [Float64Array.of(1, a, 0), Float64Array.of(1, b, 0)],
  auc: Float64Array.of(0.25 + a / 2, 0.25 + b / 2),
});

Deno.test("`perturbationCurvesFigure()` draws one line per method and panel, the mean over examples", () => {
  const fig = perturbationCurvesFigure([
    { title: "Deletion", curves: { A: curve(0.2, 0.4), B: curve(0.8, 0.8) } },
    { title: "Insertion", curves: { A: curve(0.5, 0.5), B: curve(0.1, 0.1) } },
  ]);
  assert.equal(fig.data.length, 4);
  assert.deepEqual(fig.data[0].y, [1, 0.3, 0]);
  assert.equal(fig.data[0].name, "A (AUC 0.400)");
  assert.equal(fig.data[2].xaxis, "x2");
  assert.equal(fig.data[0].line, fig.data[0].line);
  assert.deepEqual(
    (fig.data[0].line as { color: string }).color,
    (fig.data[2].line as { color: string }).color,
  );
  assert.equal(fig.data[2].showlegend, false);
});

Deno.test("`perturbationCurvesFigure()` pins its errors", () => {
  assert.throws(() => perturbationCurvesFigure([]), {
    name: "TypeError",
    message: /^Cannot draw perturbation curves: panels must be a non-empty array/,
  });
  assert.throws(() => perturbationCurvesFigure([{ title: "x", curves: {} }]), {
    name: "TypeError",
    message: /every panel has no curves/,
  });
});
