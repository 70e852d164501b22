import assert from "node:assert/strict";
import { classificationReport, formatClassificationReport } from "../../lib/mod.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

Deno.test("`classificationReport()` matches hand-computed scores, zero_division=0", () => {
  // Class d is never predicted (precision 0), class e has no examples (recall 0).
  const report = classificationReport(
    [0, 0, 1, 1, 2, 2, 2, 3],
    [0, 1, 1, 1, 2, 0, 2, 0],
    { classNames: ["a", "b", "c", "d", "e"] },
  );
  const expected = [
    ["a", 1 / 3, 1 / 2, 0.4, 2],
    ["b", 2 / 3, 1, 0.8, 2],
    ["c", 1, 2 / 3, 0.8, 3],
    ["d", 0, 0, 0, 1],
    ["e", 0, 0, 0, 0],
  ] as const;
  report.classes.forEach((c, k) => {
    const [name, p, r, f1, support] = expected[k];
    assert.equal(c.name, name);
    close(c.precision, p);
    close(c.recall, r);
    close(c.f1, f1);
    assert.equal(c.support, support);
  });
  close(report.accuracy, 0.625);
  close(report.macroAvg.precision, 0.4);
  close(report.macroAvg.recall, 13 / 30);
  close(report.macroAvg.f1, 0.4);
  assert.equal(report.macroAvg.support, 8);
  close(report.weightedAvg.precision, 0.625);
  close(report.weightedAvg.recall, 0.625);
  close(report.weightedAvg.f1, 0.6);
  assert.equal(report.weightedAvg.support, 8);
  assert.equal(
    formatClassificationReport(report),
    [
      "              precision    recall  f1-score   support",
      "",
      "           a       0.33      0.50      0.40         2",
      "           b       0.67      1.00      0.80         2",
      "           c       1.00      0.67      0.80         3",
      "           d       0.00      0.00      0.00         1",
      "           e       0.00      0.00      0.00         0",
      "",
      // 0.625 prints as 0.62: Python rounds exact ties to even.
      "    accuracy                           0.62         8",
      "   macro avg       0.40      0.43      0.40         8",
      "weighted avg       0.62      0.62      0.60         8",
      "",
    ].join("\n"),
  );
});

Deno.test("`formatClassificationReport()` reproduces scikit-learn's documented example", () => {
  const report = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], {
    classNames: ["class 0", "class 1", "class 2"],
  });
  assert.equal(
    formatClassificationReport(report),
    `              precision    recall  f1-score   support

     class 0       0.50      1.00      0.67         1
     class 1       0.00      0.00      0.00         1
     class 2       1.00      0.67      0.80         3

    accuracy                           0.60         5
   macro avg       0.50      0.56      0.49         5
weighted avg       0.70      0.60      0.61         5
`,
  );
});

Deno.test("`formatClassificationReport()` honours digits and long class names", () => {
  const report = classificationReport([0, 1, 1], [0, 1, 0], {
    classNames: ["T-shirt/top extra long", "Trouser"],
  });
  const lines = formatClassificationReport(report, { digits: 4 }).split("\n");
  assert.equal(lines[2], "T-shirt/top extra long     0.5000    1.0000    0.6667         1");
  assert.equal(lines[3], "               Trouser     1.0000    0.5000    0.6667         2");
});

Deno.test("`classificationReport()` without classNames names classes by index", () => {
  const report = classificationReport([0, 2], [0, 2]);
  assert.deepEqual(report.classes.map((c) => c.name), ["0", "1", "2"]);
  assert.equal(report.classes[1].support, 0);
});
