import assert from "node:assert/strict";
import { robustnessCurvesFigure } from "../../lib/mod.ts";

Deno.test("`robustnessCurvesFigure()` draws one line per attack over ε", () => {
  const fig = robustnessCurvesFigure({
    FGSM: { epsilons: [0, 0.1], accuracy: [0.9, 0.123456] },
    PGD: { epsilons: [0, 0.1], accuracy: [0.9, 0.05] },
  });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0].x, [0, 0.1]);
  assert.deepEqual(fig.data[0].y, [0.9, 0.1235]);
  assert.equal(fig.data[1].name, "PGD");
  assert.notEqual(
    (fig.data[0].line as { color: string }).color,
    (fig.data[1].line as { color: string }).color,
  );
});

Deno.test("`robustnessCurvesFigure()` pins its errors", () => {
  assert.throws(() => robustnessCurvesFigure({}), {
    name: "TypeError",
    message: /^Cannot draw robustness curves: curves must map attack names/,
  });
  assert.throws(() => robustnessCurvesFigure({ A: { epsilons: [0, 1], accuracy: [1] } }), {
    name: "TypeError",
    message: /curves\.A must have as many accuracies as epsilons/,
  });
});
