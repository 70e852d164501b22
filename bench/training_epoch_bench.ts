/**
 * Time of one training epoch of the tutorial CNN (938 batches of 64 over the 60,000 training
 * images, through `trainClassifier` with its defaults) and of evaluating
 * the 10,000 test images, on the default backend.
 *
 * By default the epoch is measured on its first 100 batches and extrapolated to 938 (printed as
 * such); set `BENCH_FULL=1` to run the whole epoch.
 *
 * Run: `deno bench -A bench/training_epoch_bench.ts` (`BENCH_FULL=1` for the full epoch).
 *
 * @module
 */
import {
  createClassifier,
  evaluateClassifier,
  loadFashionMnist,
  sliceSplit,
  trainClassifier,
} from "../lib/mod.ts";

const BATCH = 64;
const EPOCH_BATCHES = 938; // ceil(60000 / 64)
const full = Deno.env.get("BENCH_FULL") === "1";
const measured = full ? EPOCH_BATCHES : 100;

const train = await loadFashionMnist({ split: "train" });
const test = await loadFashionMnist({ split: "test" });
const validation = sliceSplit(test, 0, 500);
const summary: { training?: string; evaluation?: string } = {};
const trainingRates: number[] = [];
const evaluationSeconds: number[] = [];

Deno.bench({
  name: full
    ? `training epoch: ${EPOCH_BATCHES} batches of ${BATCH} (full epoch)`
    : `training epoch: first ${measured} of ${EPOCH_BATCHES} batches of ${BATCH} (extrapolated)`,
  group: "epoch",
  n: 1,
  warmup: 0,
  async fn(b) {
    const model = createClassifier({ seed: 0 });
    b.start();
    // The trainer itself, with its defaults (Adam 1e-3, data-parallel over the main thread and a
    // worker); its epoch log times the training steps alone, validation excluded.
    const history = await trainClassifier(model, train, {
      epochs: 1,
      batchSize: BATCH,
      trainLimit: measured * BATCH,
      validationData: validation,
      progress: false,
    });
    b.end();
    trainingRates.push(history.epochs[0].batchesPerSecond);
    const perSecond = Math.max(...trainingRates);
    summary.training = `training (trainClassifier defaults): ${
      perSecond.toFixed(2)
    } batches/s → one epoch of ${EPOCH_BATCHES} batches ${full ? "took" : "≈"} ${
      (EPOCH_BATCHES / perSecond).toFixed(0)
    } s${full ? "" : ` (extrapolated from ${measured} batches; BENCH_FULL=1 runs it all)`}`;
    model.dispose();
  },
});

Deno.bench({
  name: `evaluate ${test.count} test images (batches of 500)`,
  group: "evaluate",
  n: 3,
  warmup: 1,
  fn(b) {
    const model = createClassifier({ seed: 0 });
    b.start();
    const start = performance.now();
    evaluateClassifier(model, test, { batchSize: 500 });
    evaluationSeconds.push((performance.now() - start) / 1000);
    const seconds = Math.min(...evaluationSeconds);
    b.end();
    model.dispose();
    summary.evaluation = `evaluation: ${test.count} images in ${
      seconds.toFixed(2)
    } s (best of ${evaluationSeconds.length}) (${(test.count / seconds).toFixed(0)} images/s)`;
  },
});

globalThis.addEventListener("unload", () => {
  console.log(`\n${[summary.training, summary.evaluation].filter(Boolean).join("\n")}`);
});
