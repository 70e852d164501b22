import assert from "node:assert/strict";
import { ClassSummarizer, Count, Max, Mean, tf, Var } from "../../lib/mod.ts";
import type { Summary } from "../../lib/mod.ts";
import { FIXTURE_DIR } from "../../fixtures/load_fixture.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

interface ClassFixture {
  class_summarizer: {
    batches: number[][][];
    labels: number[][];
    summary: Record<string, number | number[]>;
    class_summaries: Record<string, Record<string, number | number[]>>;
  };
}
const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("summarizer.json", FIXTURE_DIR)),
) as ClassFixture;

function read(summary: Summary | null): Record<string, number | number[]> {
  assert.ok(summary);
  const out: Record<string, number | number[]> = {};
  for (const [name, value] of Object.entries(summary)) {
    out[name] = value instanceof tf.Tensor ? Array.from(value.dataSync()) : value as number;
  }
  tf.dispose(Object.values(summary));
  return out;
}

function assertSummary(got: Record<string, number | number[]>, want: typeof got, what: string) {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), what);
  for (const [name, w] of Object.entries(want)) {
    if (typeof w === "number") assert.equal(got[name], w, `${what} ${name}`);
    else assertAllClose(got[name] as number[], w, { atol: 1e-6, message: `${what} ${name}` });
  }
}

Deno.test("`ClassSummarizer` per label equals each class's statistics (closed form)", () => {
  const summ = new ClassSummarizer([new Mean(), new Var(), new Count()]);
  summ.update(tf.tensor2d([[1, 10], [2, 20], [3, 30]]), [7, 8, 7]);
  summ.update(tf.tensor2d([[5, 50]]), 8);
  const classes = summ.classSummaries;
  assert.deepEqual([...classes.keys()], [7, 8]);
  assert.deepEqual(read(classes.get(7)!), { mean: [2, 20], variance: [1, 100], count: 2 });
  assert.deepEqual(read(classes.get(8)!), { mean: [3.5, 35], variance: [2.25, 225], count: 2 });
  const all = read(summ.summary);
  assert.equal(all.count, 4);
  assertAllClose(all.mean as number[], [2.75, 27.5]);
  assertAllClose(all.variance as number[], [2.1875, 218.75], { rtol: 1e-5 });
  summ.dispose();
});

Deno.test("`ClassSummarizer` matches Captum's ClassSummarizer (labels as a tensor)", () => {
  const { batches, labels, summary, class_summaries } = fixture.class_summarizer;
  const summ = new ClassSummarizer([new Mean(), new Var({ order: 1 }), new Max(), new Count()]);
  batches.forEach((b, i) =>
    tf.tidy(() => summ.update(tf.tensor2d(b), tf.tensor1d(labels[i], "int32")))
  );
  assertSummary(read(summ.summary), summary, "overall");
  const classes = summ.classSummaries;
  assert.deepEqual([...classes.keys()].sort(), [0, 1, 2]);
  for (const [label, want] of Object.entries(class_summaries)) {
    assertSummary(read(classes.get(Number(label))!), want, `class ${label}`);
  }
  summ.dispose();
});

Deno.test("`ClassSummarizer` without labels updates the overall summary with the batch", () => {
  const summ = new ClassSummarizer([new Mean()]);
  summ.update(tf.tensor2d([[1, 2], [3, 4]]));
  assert.deepEqual(read(summ.summary), { mean: [1, 2, 3, 4] });
  assert.equal(summ.classSummaries.size, 0);
  summ.dispose();
});

Deno.test("`ClassSummarizer` takes string labels and arrays of inputs", () => {
  const summ = new ClassSummarizer<string, tf.Tensor[]>([new Mean()]);
  summ.update([tf.tensor2d([[1], [3]]), tf.tensor2d([[10, 0], [30, 0]])], ["cat", "cat"]);
  const [a, b] = summ.classSummaries.get("cat")!;
  assert.deepEqual(read(a), { mean: [2] });
  assert.deepEqual(read(b), { mean: [20, 0] });
  summ.dispose();
});

Deno.test("`ClassSummarizer` leaks no tensors", async () => {
  const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const y = tf.tensor1d([0, 1, 0], "int32");
  await assertNoLeak(() => {
    const summ = new ClassSummarizer([new Mean(), new Var({ order: 1 }), new Max()]);
    summ.update(x, y);
    summ.update(x, 2);
    for (const s of summ.classSummaries.values()) tf.dispose(Object.values(s!));
    tf.dispose(Object.values(summ.summary!));
    summ.dispose();
  });
});

Deno.test("`ClassSummarizer` errors name labels and x, the value and the fix", () => {
  const summ = new ClassSummarizer([new Mean()]);
  assert.throws(
    () => summ.update(tf.tensor2d([[1], [2], [3]]), [0, 1]),
    /^RangeError: Cannot compute ClassSummarizer summaries: labels must be one label, or one per example \(3 for x\), received "2 labels"\. Pass one label per example/,
  );
  assert.throws(
    () => summ.update(tf.tensor2d([[1]]), [{}] as never),
    /^TypeError: Cannot compute ClassSummarizer summaries: labels must be numbers or strings/,
  );
  assert.throws(
    () => summ.update([[1, 2]] as never, 0),
    /x\[0\] must be a live tensor with a batch axis/,
  );
  summ.dispose();
});
