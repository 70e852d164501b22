/**
 * Training throughput of the tutorial CNN (batches of 64, Adam, softmax cross-entropy) on the
 * main thread alone versus with {@linkcode ParallelGradients} (one share of each batch on the
 * main thread, one per gradient worker), measured in the same run in alternating rounds, with
 * the ratio and the ratio to PyTorch's training speed from the Captum fixture.
 *
 * Run: `deno bench -A bench/parallel_training_bench.ts` (under a minute on a 2-core machine). The
 * speed-up needs idle cores: the load average is printed beside the figures.
 *
 * @module
 */
import { createClassifier, softmaxCrossEntropy, tf } from "../lib/mod.ts";
import { ParallelGradients } from "../lib/training/parallel_gradients.ts";

const BATCH = 64;
const FIXTURE = new URL("../../shared/fixtures/captum_seed_cnn.json", import.meta.url);
const pytorch = JSON.parse(await Deno.readTextFile(FIXTURE)).train_it_per_s as number;

const xs = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, "float32", 1) as tf.Tensor4D;
const ys = tf.randomUniform([BATCH], 0, 10, "int32", 2) as tf.Tensor1D;

const singleModel = createClassifier({ seed: 0 });
const singleVariables = singleModel.trainableWeights.map((w) => w.read() as tf.Variable);
const singleOptimizer = tf.train.adam(1e-3);
/** The trainer's single-thread step: `optimizer.minimize` of the softmax cross-entropy. */
function singleStep(): void {
  const cost = singleOptimizer.minimize(
    () => softmaxCrossEntropy(singleModel.apply(xs, { training: true }) as tf.Tensor, ys),
    true,
    singleVariables,
  )!;
  cost.dataSync();
  cost.dispose();
}

const parallelModel = createClassifier({ seed: 0 });
const parallelOptimizer = tf.train.adam(1e-3);
const pool = await ParallelGradients.create(parallelModel);
async function parallelStep(): Promise<void> {
  await pool.minimize(parallelOptimizer, xs, ys);
}

/** Mean seconds per step over `n` steps. */
async function secondsPerStep(step: () => unknown, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await step();
  return (performance.now() - t0) / n / 1000;
}

// ---- summary (measured once at load, printed before deno bench's own table) ----------------
const ROUNDS = 4;
const STEPS = 15;
for (let i = 0; i < 3; i++) {
  singleStep();
  await parallelStep();
}
const load = Deno.loadavg();
let single = Infinity;
let parallel = Infinity;
for (let r = 0; r < ROUNDS; r++) {
  single = Math.min(single, await secondsPerStep(singleStep, STEPS));
  parallel = Math.min(parallel, await secondsPerStep(parallelStep, STEPS));
}
const loadAfter = Deno.loadavg();

const rows: string[][] = [
  ["main thread only", (1 / single).toFixed(2), "1.00", (1 / single / pytorch).toFixed(2)],
  [
    `ParallelGradients (${pool.workers} worker${pool.workers === 1 ? "" : "s"} + main)`,
    (1 / parallel).toFixed(2),
    (single / parallel).toFixed(2),
    (1 / parallel / pytorch).toFixed(2),
  ],
];
const header = [
  "training, batches of 64",
  "batches/s",
  "speed-up",
  `vs PyTorch ${pytorch.toFixed(1)}/s`,
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) =>
  r.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join("  ");
console.log(`\n${line(header)}\n${widths.map((n) => "-".repeat(n)).join("  ")}`);
for (const r of rows) console.log(line(r));
console.log(
  `best of ${ROUNDS} alternating rounds of ${STEPS} steps; ${navigator.hardwareConcurrency} cores; ` +
    `load average (1, 5, 15 min) ${load.map((l) => l.toFixed(2)).join(", ")} before, ${
      loadAfter.map((l) => l.toFixed(2)).join(", ")
    } after\n`,
);

// ---- deno bench's own timings ------------------------------------------------------------------
Deno.bench({
  name: "train one batch of 64, main thread only",
  group: "training",
  baseline: true,
  n: 20,
  warmup: 2,
  fn: singleStep,
});
Deno.bench({
  name: `train one batch of 64, ParallelGradients (${pool.workers} worker(s) + main)`,
  group: "training",
  n: 20,
  warmup: 2,
  fn: parallelStep,
});

// Close the workers once deno bench has run both benchmarks (an open worker keeps the process alive).
globalThis.addEventListener("unload", () => pool.close());
