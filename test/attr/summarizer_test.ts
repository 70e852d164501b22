import assert from "node:assert/strict";
import {
  CommonStats,
  Count,
  GeneralAccumFn,
  Max,
  Mean,
  Min,
  MSE,
  StdDev,
  Sum,
  Summarizer,
  tf,
  Var,
} from "../../lib/mod.ts";
import type { Summary } from "../../lib/mod.ts";
import { FIXTURE_DIR } from "../../fixtures/load_fixture.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

interface SummarizerFixture {
  summarizer: { updates: number[][][]; summary: Record<string, number | number[][]> };
}
const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("summarizer.json", FIXTURE_DIR)),
) as SummarizerFixture;

/** Every stat, read as numbers, and the summary's tensors disposed. */
function read(summary: Summary): Record<string, number | number[]> {
  const out: Record<string, number | number[]> = {};
  for (const [name, value] of Object.entries(summary)) {
    out[name] = value instanceof tf.Tensor ? Array.from(value.dataSync()) : value as number;
  }
  tf.dispose(Object.values(summary));
  return out;
}

/** Population statistics of `rows` (each a list of values), column by column. */
function columnStats(rows: number[][]) {
  const n = rows.length;
  const cols = rows[0].map((_, j) => rows.map((r) => r[j]));
  const mean = cols.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const m2 = cols.map((c, j) => c.reduce((a, b) => a + (b - mean[j]) ** 2, 0));
  return {
    mean,
    mse: m2,
    variance: m2.map((v) => v / n),
    sample_variance: m2.map((v) => v / (n - 1)),
    std_dev: m2.map((v) => Math.sqrt(v / n)),
    sample_std_dev: m2.map((v) => Math.sqrt(v / (n - 1))),
    min: cols.map((c) => Math.min(...c)),
    max: cols.map((c) => Math.max(...c)),
    sum: cols.map((c) => c.reduce((a, b) => a + b, 0)),
  };
}

const ALL_STATS = () => [
  new Mean(),
  new Var(),
  new Var({ order: 1 }),
  new StdDev(),
  new StdDev({ order: 1 }),
  new Min(),
  new Max(),
  new Sum(),
  new Count(),
  new MSE(),
];

Deno.test("`Summarizer` over batches equals the statistics of the full data (closed forms)", () => {
  const rows = [[1, -2, 0.5], [4, 0, 0.5], [-3, 7, 0.5], [2, 2, 0.5], [0, -1, 0.5], [5, 3, 0.5]];
  const summ = new Summarizer(ALL_STATS());
  for (const row of rows) summ.update(tf.tensor1d(row));
  const got = read(summ.summary!);
  const want = columnStats(rows);
  assert.equal(got.count, rows.length);
  for (const [name, values] of Object.entries(want)) {
    assertAllClose(got[name] as number[], values, { rtol: 1e-5, atol: 1e-5, message: name });
  }
  summ.dispose();
});

Deno.test("`Summarizer` matches Captum's Summarizer on every stat", () => {
  const { updates, summary } = fixture.summarizer;
  const summ = new Summarizer(ALL_STATS());
  for (const u of updates) tf.tidy(() => summ.update(tf.tensor2d(u)));
  const got = read(summ.summary!);
  assert.deepEqual(Object.keys(got).sort(), Object.keys(summary).sort());
  for (const [name, want] of Object.entries(summary)) {
    if (typeof want === "number") assert.equal(got[name], want, name);
    else {assertAllClose(got[name] as number[], want.flat(), {
        rtol: 1e-5,
        atol: 1e-6,
        message: name,
      });}
  }
  summ.dispose();
});

Deno.test("`Summarizer` names stats as Captum and lists CommonStats in the order given", () => {
  assert.deepEqual(CommonStats().map((s) => s.name), [
    "mean",
    "sample_variance",
    "sample_std_dev",
    "min",
    "max",
  ]);
  assert.equal(new Var({ order: 2 }).name, "variance(2)");
  assert.equal(new StdDev({ order: 2 }).name, "std_dev(2)");
  assert.equal(new Mean({ name: "avg" }).name, "avg");
  const summ = new Summarizer([new StdDev({ order: 1 }), new Mean(), new Mean()]);
  summ.update(tf.scalar(1));
  assert.deepEqual(Object.keys(read(summ.summary!)), ["sample_std_dev", "mean"]);
  summ.dispose();
});

Deno.test("`Summarizer` with one update: variances are zero, as Captum's", () => {
  const summ = new Summarizer([new Var(), new Var({ order: 1 }), new MSE()]);
  summ.update(tf.tensor1d([3, 4]));
  const got = read(summ.summary!);
  assert.deepEqual(got, { variance: [0, 0], sample_variance: [0, 0], mse: [0, 0] });
  summ.dispose();
});

Deno.test("`Summarizer` summarizes arrays position by position and accepts numbers", () => {
  const summ = new Summarizer<(tf.Tensor | number)[]>([new Mean(), new Max()]);
  summ.update([tf.tensor1d([1, 2]), 10]);
  summ.update([tf.tensor1d([3, 0]), 20]);
  const [a, b] = summ.summary!;
  assert.deepEqual(read(a), { mean: [2, 1], max: [3, 2] });
  assert.deepEqual(read(b), { mean: [15], max: [20] });
  summ.dispose();
});

Deno.test("`Summarizer` integer tensors: the mean is float, min/max keep the dtype", () => {
  const summ = new Summarizer([new Mean(), new Min()]);
  summ.update(tf.tensor1d([1, 2], "int32"));
  summ.update(tf.tensor1d([2, 2], "int32"));
  const s = summ.summary!;
  assert.equal((s.mean as tf.Tensor).dtype, "float32");
  assert.equal((s.min as tf.Tensor).dtype, "int32");
  assert.deepEqual(read(s), { mean: [1.5, 2], min: [1, 2] });
  summ.dispose();
});

Deno.test("`GeneralAccumFn` folds with a custom function; Min/Max/Sum take one", () => {
  const product = new GeneralAccumFn((a, b) => a.mul(b), { name: "product" });
  const absMax = new Max({ name: "absmax", maxFn: (a, b) => tf.maximum(a.abs(), b.abs()) });
  const summ = new Summarizer([product, absMax]);
  for (const v of [2, -3, 4]) summ.update(tf.scalar(v));
  assert.deepEqual(read(summ.summary!), { product: [-24], absmax: [4] });
  summ.dispose();
});

Deno.test("`Summarizer` leaks no tensors: updates, summaries and dispose", async () => {
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  await assertNoLeak(() => {
    const summ = new Summarizer(ALL_STATS());
    for (let i = 0; i < 4; i++) summ.update(x);
    const doubled = x.mul(2);
    summ.update(doubled);
    doubled.dispose();
    tf.dispose(Object.values(summ.summary!));
    summ.dispose();
  });
  assert.equal(x.isDisposed, false); // the summarizer never disposes what it is given
});

Deno.test("`Summarizer` summary is null before any update, and after dispose", () => {
  const summ = new Summarizer(CommonStats());
  assert.equal(summ.summary, null);
  summ.update(tf.scalar(1));
  summ.dispose();
  assert.equal(summ.summary, null);
});

Deno.test("`Summarizer` errors name the argument, the value and the fix", () => {
  assert.throws(
    () => new Summarizer([new Mean(), "max" as never]),
    /^TypeError: Cannot compute Summarizer summaries: stats must be an array of Stat objects, received .*Pass e\.g\. CommonStats\(\)/,
  );
  const summ = new Summarizer([new Mean()]);
  summ.update(tf.tensor1d([1, 2, 3]));
  assert.throws(
    () => summ.update(tf.tensor2d([[1, 2, 3]])),
    /^TypeError: Cannot compute Summarizer summaries: x must be a tensor of the shape of the first update \[3\], received a float32 tensor of shape \[1, 3\]\. Summarize tensors of one shape/,
  );
  assert.throws(
    () => summ.update([tf.tensor1d([1, 2, 3])] as never),
    /x must be a single tensor or number, received .*one kind of input/,
  );
  const dead = tf.scalar(1);
  dead.dispose();
  assert.throws(
    () => new Summarizer([new Mean()]).update(dead),
    /x must be a live tf\.Tensor or a number, received "a disposed tensor"/,
  );
  assert.throws(
    () => new Var({ order: -1 }),
    /^RangeError: Cannot create the Var stat: order must be a non-negative integer, received -1/,
  );
  summ.dispose();
});
