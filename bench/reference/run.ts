/**
 * This library against PyTorch + Captum (one thread) on the same machine in the same run: rounds
 * alternate between the two sides, so a busy shared machine slows both alike, and each ratio is
 * printed as its median over the rounds with the min–max spread.
 *
 * Measured, on the tutorial CNN:
 * - training throughput (batches of 64 per second): `trainClassifier` with its defaults (Adam 1e-3,
 *   batches of 64, the default gradient workers; the second of two epochs on `TRAIN_IMAGES`
 *   training images, so start-up and warm-up are excluded) vs PyTorch's Adam loop;
 * - one-image and batch-of-64 latency of IntegratedGradients (50 steps), Saliency, DeepLift,
 *   Occlusion (4×4 window, stride 2) and LayerGradCam (conv2), with the settings of
 *   `bench/attribution_bench.ts` and `bench/perturbation_bench.ts` on the Captum fixture's weights;
 * - IntegratedGradients (50 steps) over the 10,000 test images, 64 per call: by default measured
 *   on the first `IG_SUBSET` images and extrapolated to 10,000 (said so in the output); `--full`
 *   runs all 10,000 on both sides (about 3 minutes per side on a quiet 2-core machine). The two
 *   sides take turns batch by batch, so that a slow spell of the machine slows both alike (one
 *   pass per side, each minutes long, once measured ours 1.42× Captum while alternated calls on
 *   64 test images and on 64 copies of one image cost the same).
 *
 * Run: `CAPTUM_PATH=/path/to/captum-source deno task bench:reference [--rounds=N] [--full]`
 * (Captum's source: the directory holding the `captum` package; `PYTHONPATH` is used when
 * `CAPTUM_PATH` is unset). PyTorch is Debian's `python3-torch` run by `/usr/bin/python3`
 * (`PYTORCH_PYTHON` overrides). Without them the reference is reported unavailable and our side
 * is still measured and printed.
 *
 * @module
 */
import {
  createClassifier,
  DeepLift,
  IntegratedGradients,
  LayerGradCam,
  loadFashionMnist,
  Occlusion,
  Saliency,
  tf,
  trainClassifier,
} from "../../lib/mod.ts";
import { ProgressBar } from "../../lib/display/progress_bar.ts";
import { loadCaptumFixture } from "../../fixtures/load_fixture.ts";
import { printTable } from "../_report.ts";
import { machineLine, machineProbeMs } from "../_timing.ts";
import { PytorchReference } from "./_pytorch_process.ts";

const FULL = Deno.args.includes("--full");
const roundsArg = Deno.args.find((a) => a.startsWith("--rounds="))?.slice("--rounds=".length);
const ROUNDS = Number(roundsArg ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  throw new RangeError(
    `Cannot run the reference bench: --rounds must be a positive integer, received ${roundsArg}.`,
  );
}
/** Training images per epoch (150 batches of 64). */
const TRAIN_IMAGES = 150 * 64;
/** Test images IntegratedGradients runs on without `--full` (then extrapolated to 10,000). */
const IG_SUBSET = 256;
const IG_IMAGES = FULL ? 10_000 : IG_SUBSET;
/**
 * Timed one-image calls per round on each side (the median is kept): single calls of 0.5–1 ms
 * swing with the host's scheduling, so a round takes more of them than of the batch calls.
 */
const ONE_IMAGE_RUNS = 15;
/** Rows per IntegratedGradients forward/backward on both sides (as attribution_bench.ts). */
const IG_CHUNK = 400;

const fx = loadCaptumFixture();
const model = fx.model;
const igImage = fx.inputs.slice([0, 0, 0, 0], [1, -1, -1, -1]);
const one = fx.inputs.slice([1, 0, 0, 0], [1, -1, -1, -1]);
const batch64 = tf.tile(one, [64, 1, 1, 1]);
const [t0, t1] = fx.targets;

const ig = new IntegratedGradients(model);
const saliency = new Saliency(model);
const deepLift = new DeepLift(model);
const occlusion = new Occlusion(model);
const gradCam = new LayerGradCam(model, "conv2");

interface AttrCase {
  /** The method's name, also the reference script's key. */
  method: string;
  label: string;
  run: (x: tf.Tensor) => Promise<tf.Tensor>;
  /** The one-image input. @default the fixture's second image */
  image?: tf.Tensor;
  /** Timed calls per round for the batch of 64. @default 3 */
  batchRuns?: number;
}

const cases: AttrCase[] = [
  {
    method: "IntegratedGradients",
    label: "IntegratedGradients, 50 steps",
    image: igImage,
    run: (x) =>
      ig.attribute(x, { target: x === igImage ? t0 : t1, nSteps: 50, internalBatchSize: IG_CHUNK }),
    batchRuns: 1,
  },
  { method: "Saliency", label: "Saliency", run: (x) => saliency.attribute(x, { target: 2 }) },
  { method: "DeepLift", label: "DeepLift", run: (x) => deepLift.attribute(x, { target: 2 }) },
  {
    method: "Occlusion",
    label: "Occlusion 4×4, stride 2",
    run: (x) =>
      occlusion.attribute(x, { slidingWindowShapes: [4, 4, 1], strides: [2, 2, 1], target: t1 }),
    batchRuns: 1,
  },
  {
    method: "LayerGradCam",
    label: "LayerGradCam conv2",
    run: (x) => gradCam.attribute(x, { target: t1 }),
  },
];

/** Median of `xs`. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median milliseconds of `runs` calls after one untimed call (each awaited to host data). */
async function oursMs(fn: () => Promise<tf.Tensor>, runs: number): Promise<number> {
  (await fn()).dispose();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const out = await fn();
    await out.data();
    times.push(performance.now() - start);
    out.dispose();
  }
  return median(times);
}

const train = await loadFashionMnist({ split: "train", limit: TRAIN_IMAGES });
const test = await loadFashionMnist({ split: "test", limit: IG_IMAGES });

/** `trainClassifier` with its defaults: batches per second of the second epoch. */
async function oursTraining(): Promise<number> {
  const net = createClassifier({ seed: 0 });
  let rate = 0;
  await trainClassifier(net, train, {
    epochs: 2,
    validationSplit: 0,
    progress: false,
    onEpochEnd: (log) => {
      rate = log.batchesPerSecond;
    },
  });
  net.dispose();
  return rate;
}

const reference = await PytorchReference.start();

/** Run `ours` and `theirs` one after the other, ours first when `oursFirst`; results in that order. */
async function both<T>(
  oursFirst: boolean,
  ours: () => Promise<T>,
  theirs: () => Promise<T | undefined>,
): Promise<readonly [T, T | undefined]> {
  if (oursFirst) {
    const a = await ours();
    return [a, await theirs()];
  }
  const b = await theirs();
  return [await ours(), b];
}

/**
 * IntegratedGradients over the test images, 64 per call, each with its own label as target: the
 * two sides take turns batch by batch (which side goes first alternates), so a slow spell of the
 * shared machine, which lasts seconds to minutes, slows both alike. Returns the seconds each side
 * took in all, and the ratio (ours ÷ PyTorch) of each batch.
 */
async function igOverTestSet(): Promise<{ ours: number; theirs?: number; ratios: number[] }> {
  const bar = new ProgressBar({ label: "IntegratedGradients, both sides", total: test.count });
  let ours = 0;
  let theirs = 0;
  const ratios: number[] = [];
  for (let s = 0; s < test.count; s += 64) {
    const n = Math.min(64, test.count - s);
    const [mine, theirBatch] = await both(
      (s / 64) % 2 === 0,
      async () => {
        const start = performance.now();
        const x = tf.tensor4d(test.images.subarray(s * 784, (s + n) * 784), [n, 28, 28, 1]);
        const target = Array.from(test.labels.subarray(s, s + n));
        const out = await ig.attribute(x, { target, nSteps: 50, internalBatchSize: IG_CHUNK });
        await out.data();
        tf.dispose([x, out]);
        return (performance.now() - start) / 1000;
      },
      () => reference.ig(s, n, 64),
    );
    ours += mine;
    if (theirBatch !== undefined) {
      theirs += theirBatch;
      ratios.push(mine / theirBatch);
    }
    await bar.update(s + n, `${s + n}/${test.count} images, ours ${((s + n) / ours).toFixed(1)}/s`);
  }
  await bar.finish(
    `${test.count} images: ours ${ours.toFixed(1)} s, PyTorch ${theirs.toFixed(1)} s`,
  );
  return { ours, theirs: ratios.length ? theirs : undefined, ratios };
}
console.log(
  reference.available
    ? `reference: PyTorch ${reference.versions}, Captum from ${reference.captumPath}`
    : `reference unavailable: ${reference.reason}. Printing this library's side only.`,
);

/** Per measured row: our value and the reference's, one per round. */
const rows = new Map<string, { ours: number[]; theirs: number[]; unit: string }>();
function record(name: string, unit: string, ours: number, theirs: number | undefined): void {
  const row = rows.get(name) ?? { ours: [], theirs: [], unit };
  row.ours.push(ours);
  if (theirs !== undefined) row.theirs.push(theirs);
  rows.set(name, row);
}

const probeBefore = machineProbeMs();
const loadBefore = Deno.loadavg()[0];
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`round ${round}/${ROUNDS}`);
  // Alternate which side goes first, so a slow spell of the machine does not favour one side.
  const oursFirst = round % 2 === 1;
  const [ourRate, theirRate] = await both(
    oursFirst,
    oursTraining,
    () => reference.train(150, 30),
  );
  record("training, batches of 64 / s", "batch/s", ourRate, theirRate);
  for (const c of cases) {
    const [single, theirSingle] = await both(
      oursFirst,
      () => oursMs(() => c.run(c.image ?? one), ONE_IMAGE_RUNS),
      () => reference.attr(c.method, 1, ONE_IMAGE_RUNS),
    );
    record(`${c.label}, 1 image`, "ms", single, theirSingle);
    const runs = c.batchRuns ?? 3;
    const [many, theirMany] = await both(
      oursFirst,
      () => oursMs(() => c.run(batch64), runs),
      () => reference.attr(c.method, 64, runs),
    );
    record(`${c.label}, batch of 64`, "ms", many, theirMany);
  }
}

// IntegratedGradients over the test set: once, the sides taking turns batch by batch (minutes in full).
const { ours: igOurs, theirs: igTheirs, ratios: igRatios } = await igOverTestSet();
const probeAfter = machineProbeMs();
reference.close();

const header = [
  "tutorial CNN",
  "ours",
  "PyTorch",
  "unit",
  "ours ÷ PyTorch, median (min–max)",
];
const table = [...rows.entries()].map(([name, r]) => {
  const ratios = r.theirs.map((t, i) => r.ours[i] / t);
  const spread = ratios.length === 0
    ? ""
    : `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${
      Math.max(...ratios).toFixed(2)
    })`;
  return [
    name,
    median(r.ours).toFixed(r.unit === "ms" ? 1 : 2),
    r.theirs.length ? median(r.theirs).toFixed(r.unit === "ms" ? 1 : 2) : "n/a",
    r.unit,
    spread,
  ];
});
const scale = 10_000 / test.count;
const igNote = FULL ? "measured" : `extrapolated ×${scale.toFixed(1)} from ${test.count}`;
table.push([
  `IntegratedGradients, 10,000 test images (${igNote})`,
  (igOurs * scale).toFixed(0),
  igTheirs === undefined ? "n/a" : (igTheirs * scale).toFixed(0),
  "s",
  igTheirs === undefined
    ? ""
    : `${(igOurs / igTheirs).toFixed(2)} (per batch: median ${median(igRatios).toFixed(2)}, ${
      Math.min(...igRatios).toFixed(2)
    }–${Math.max(...igRatios).toFixed(2)})`,
]);
printTable(header, table);
console.log(
  `\n${ROUNDS} rounds, sides alternating. Training: ratio = our batches/s ÷ PyTorch's (higher is ` +
    `better; ours uses trainClassifier's default workers on ${navigator.hardwareConcurrency} ` +
    `cores, PyTorch one thread). Latencies: ratio = our ms ÷ Captum's (lower is better). ` +
    `IntegratedGradients runs ${IG_CHUNK} rows per pass on both sides; over the test images ` +
    `the sides take turns batch by batch (ratio of the totals; median and min–max of the batches').`,
);
console.log(machineLine(probeBefore, probeAfter));
console.log(
  `1-minute load average: ${loadBefore.toFixed(2)} before, ${Deno.loadavg()[0].toFixed(2)} after`,
);
