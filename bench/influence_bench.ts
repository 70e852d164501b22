/**
 * Time of the data influence methods on the tutorial CNN (the pretrained checkpoint as the one
 * TracIn checkpoint): the 8 proponents of 4 test images among the first 55,000 training images
 * with `TracInCPFast` (the tutorial's method), `TracInCP` on the dense layer's parameters, and
 * `SimilarityInfluence` at `relu2`, on the default backend.
 *
 * By default each runs on a prefix of the training images and is extrapolated to 55,000 (printed
 * as such); set `BENCH_FULL=1` to run over all 55,000 (TracInCPFast about 25 s on 2 busy cores;
 * TracInCP takes minutes). Time grows linearly with the number of checkpoints.
 *
 * Run: `deno bench -A bench/influence_bench.ts` (`BENCH_FULL=1` for the whole training set).
 *
 * @module
 */
import {
  crossEntropyLossFn,
  loadCheckpoint,
  loadFashionMnist,
  PRETRAINED_CLASSIFIER_DIR,
  SimilarityInfluence,
  sliceSplit,
  tf,
  TracInCP,
  TracInCPFast,
} from "../lib/mod.ts";
import { printTable } from "./_report.ts";

const TRAIN = 55000;
const full = Deno.env.get("BENCH_FULL") === "1";
const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const train = await loadFashionMnist({ split: "train", limit: TRAIN });
const testSplit = await loadFashionMnist({ split: "test", limit: 4 });
const xs = tf.tensor4d(testSplit.images, [4, 28, 28, 1]);
const ys = tf.tensor1d(Array.from(testSplit.labels), "int32");
const lossFn = crossEntropyLossFn({ reduction: "sum" });
const checkpoints = [PRETRAINED_CLASSIFIER_DIR];

const cases = [
  {
    name: "TracInCPFast (dense, closed form)",
    count: full ? TRAIN : 5000,
    run: async (count: number) => {
      const data = sliceSplit(train, 0, count);
      const tracin = new TracInCPFast(model, "dense", data, checkpoints, { lossFn });
      const r = await tracin.influence({ xs, ys }, { k: 8 });
      tf.dispose([r.indices, r.influenceScores]);
    },
  },
  {
    name: "TracInCP (dense parameters, per example)",
    count: full ? TRAIN : 500,
    run: async (count: number) => {
      const data = sliceSplit(train, 0, count);
      const tracin = new TracInCP(model, data, checkpoints, {
        layers: ["dense"],
        lossFn,
        sampleWiseGradsPerBatch: true,
      });
      const r = await tracin.influence({ xs, ys }, { k: 8 });
      tf.dispose([r.indices, r.influenceScores]);
    },
  },
  {
    name: "SimilarityInfluence (relu2, cosine)",
    count: full ? TRAIN : 5000,
    run: async (count: number) => {
      const data = sliceSplit(train, 0, count);
      const found = await new SimilarityInfluence(model, "relu2", data).influence(xs, { topK: 8 });
      tf.dispose([found.relu2.indices, found.relu2.similarities]);
    },
  },
];

const seconds = new Map<string, number>();

for (const { name, count, run } of cases) {
  Deno.bench({
    name: `${name}: ${count} training images`,
    group: "influence",
    n: 1,
    warmup: 0,
    async fn(b) {
      b.start();
      const start = performance.now();
      await run(count);
      const s = (performance.now() - start) / 1000;
      b.end();
      seconds.set(name, Math.min(s, seconds.get(name) ?? Infinity));
    },
  });
}

globalThis.addEventListener("unload", () => {
  const rows = cases.filter((c) => seconds.has(c.name)).map(({ name, count }) => {
    const s = seconds.get(name)!;
    return [
      name,
      String(count),
      s.toFixed(1),
      `${(s * TRAIN / count).toFixed(0)} s${count === TRAIN ? "" : " (extrapolated)"}`,
    ];
  });
  printTable(["4 test images, k = 8, one checkpoint", "images", "s", "55,000 images"], rows);
});
