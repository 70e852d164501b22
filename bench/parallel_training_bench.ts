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
import { printTable } from "./_report.ts";
import { readTutorialFixture } from "../fixtures/load_fixture.ts";

const BATCH = 64;
const pytorch = readTutorialFixture().train_it_per_s;

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

/**
 * CPU milliseconds used so far by each thread of this process, by thread name ("main" for the
 * thread running this module, "worker-1" … for Web Workers); undefined where `/proc` is missing (not Linux).
 */
function threadCpuMs(): Map<string, number> | undefined {
  const tick = 10; // ms per clock tick (USER_HZ = 100 on Linux)
  try {
    // The thread running this module (not always the process's first: deno bench uses another).
    const self = Deno.readLinkSync("/proc/thread-self").split("/").pop();
    const threads = new Map<string, number>();
    for (const entry of Deno.readDirSync("/proc/self/task")) {
      let stat: string;
      try {
        stat = Deno.readTextFileSync(`/proc/self/task/${entry.name}/stat`);
      } catch {
        continue; // a thread that ended while the list was read
      }
      const name = entry.name === self
        ? "main"
        : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * tick; // utime + stime
      threads.set(name, (threads.get(name) ?? 0) + ms);
    }
    return threads;
  } catch {
    return undefined;
  }
}

/** Per-thread CPU ms per step between two {@linkcode threadCpuMs} readings. */
function cpuPerStep(before: Map<string, number>, after: Map<string, number>, steps: number) {
  const main = ((after.get("main") ?? 0) - (before.get("main") ?? 0)) / steps;
  let workers = 0;
  for (const [name, ms] of after) {
    if (name.startsWith("worker")) {
      workers = Math.max(workers, (ms - (before.get(name) ?? 0)) / steps);
    }
  }
  return { main, workers };
}

/** Mean seconds per step over `n` steps, and per-thread CPU ms per step. */
async function measure(step: () => unknown, n: number) {
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await step();
  const seconds = (performance.now() - t0) / n / 1000;
  const cpu1 = threadCpuMs();
  return { seconds, cpu: cpu0 && cpu1 ? cpuPerStep(cpu0, cpu1, n) : undefined };
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
const cpu = { single: 0, main: 0, worker: 0 };
for (let r = 0; r < ROUNDS; r++) {
  const s = await measure(singleStep, STEPS);
  const p = await measure(parallelStep, STEPS);
  single = Math.min(single, s.seconds);
  parallel = Math.min(parallel, p.seconds);
  cpu.single += (s.cpu?.main ?? NaN) / ROUNDS;
  cpu.main += (p.cpu?.main ?? NaN) / ROUNDS;
  cpu.worker += (p.cpu?.workers ?? NaN) / ROUNDS;
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
  `vs PyTorch ${pytorch.toFixed(1)}/s (fixture, another day; see bench:reference)`,
];
printTable(header, rows);
console.log(
  `best of ${ROUNDS} alternating rounds of ${STEPS} steps; ${navigator.hardwareConcurrency} cores; ` +
    `load average (1, 5, 15 min) ${load.map((l) => l.toFixed(2)).join(", ")} before, ${
      loadAfter.map((l) => l.toFixed(2)).join(", ")
    } after`,
);
if (Number.isFinite(cpu.single)) {
  // CPU time is what the threads need, whatever else runs: on idle cores a step takes about as
  // long as its busiest thread.
  const bound = 1000 / Math.max(cpu.main, cpu.worker);
  console.log(
    `CPU ms per step: main thread only ${cpu.single.toFixed(1)}; ParallelGradients main ${
      cpu.main.toFixed(1)
    }, busiest worker ${cpu.worker.toFixed(1)} -> on idle cores about ${bound.toFixed(1)} vs ${
      (1000 / cpu.single).toFixed(1)
    } batches/s (${(bound / (1000 / cpu.single)).toFixed(2)}x)\n`,
  );
}

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
