/**
 * Latency of the perturbation methods on the tutorial CNN (the Captum fixture's weights), for one
 * image and for a small batch, beside Captum's latency from the fixture (`captum_ms`, one image,
 * one thread) as a ratio where Captum measured the same call.
 *
 * Batches are 8 images for the methods that evaluate hundreds of perturbed copies per image
 * (Occlusion: 169 windows, KernelShap / Lime: 25 coalitions over 784 pixels), 64 for the others,
 * to keep the whole file under about a minute and a half.
 *
 * Run: `deno bench -A bench/perturbation_bench.ts`.
 *
 * @module
 */
import {
  FeatureAblation,
  FeaturePermutation,
  KernelShap,
  Lime,
  Occlusion,
  ShapleyValueSampling,
  tf,
} from "../lib/mod.ts";
import process from "node:process";
import { loadCaptumFixture } from "../fixtures/load_fixture.ts";
import { printTable } from "./_report.ts";

const fx = loadCaptumFixture();
const model = fx.model;
const one = fx.inputs.slice([1, 0, 0, 0], [1, -1, -1, -1]);
const target = fx.targets[1];
const batch = (n: number) => tf.tile(one, [n, 1, 1, 1]);
const batch8 = batch(8);
const batch64 = batch(64);
// The 64-image batches run thousands of forward rows (FeatureAblation: 49 × 64 = 3136 images).

/** 4×4 superpixels on the 28×28 image: 49 groups, shared by the batch. */
const superpixels = tf.tidy(() => {
  const ids = new Int32Array(28 * 28);
  for (let h = 0; h < 28; h++) {
    for (let w = 0; w < 28; w++) ids[h * 28 + w] = Math.floor(h / 4) * 7 + Math.floor(w / 4);
  }
  return tf.tensor4d(ids, [1, 28, 28, 1], "int32");
});

interface Case {
  name: string;
  /** Captum's entry in `captum_ms` for the one-image call, if it measured it. */
  captum?: string;
  run: (x: tf.Tensor) => Promise<tf.Tensor>;
  batch: tf.Tensor;
  /** The "one image" input (FeaturePermutation needs two). @default one image */
  single?: tf.Tensor;
}

const occlusion = new Occlusion(model);
const kernelShap = new KernelShap(model);
const lime = new Lime(model);
const ablation = new FeatureAblation(model);
const svs = new ShapleyValueSampling(model);
const permutation = new FeaturePermutation(model);

const cases: Case[] = [
  {
    name: "Occlusion 4×4 window, stride 2 (169 windows)",
    captum: "Occlusion_4x4",
    run: (x) =>
      occlusion.attribute(x, { slidingWindowShapes: [4, 4, 1], strides: [2, 2, 1], target }),
    batch: batch8,
  },
  {
    name: "KernelShap per pixel, 25 samples",
    captum: "KernelShap",
    run: (x) => kernelShap.attribute(x, { target }),
    batch: batch8,
  },
  {
    name: "Lime per pixel, 25 samples",
    run: (x) => lime.attribute(x, { target }),
    batch: batch8,
  },
  {
    name: "FeatureAblation, 49 superpixels",
    run: (x) => ablation.attribute(x, { target, featureMask: superpixels }),
    batch: batch64,
  },
  {
    name: "ShapleyValueSampling, 49 superpixels, 5 orders",
    run: (x) => svs.attribute(x, { target, featureMask: superpixels, nSamples: 5 }),
    batch: batch8,
  },
  {
    name: "FeaturePermutation, 49 superpixels",
    run: (x) => permutation.attribute(x, { target, featureMask: superpixels }),
    batch: batch64,
    single: batch(2),
  },
];

/**
 * Median wall-clock and process CPU milliseconds over `runs` calls after `warmup` calls. The
 * computation is single-threaded (wasm), so on a busy machine the CPU time is the better
 * estimate of the unloaded latency.
 */
async function timeMs(
  fn: () => Promise<tf.Tensor>,
  runs: number,
  warmup = 1,
): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < warmup; i++) (await fn()).dispose();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await fn();
    await out.data();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    out.dispose();
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return { wall: median(wall), cpu: median(cpu) };
}

// ---- summary (measured once at load, printed before deno bench's own table) ----------------
const rows: string[][] = [];
for (const c of cases) {
  const single = await timeMs(() => c.run(c.single ?? one), 3);
  const many = await timeMs(() => c.run(c.batch), 1, 0); // warmed up by the line above
  const captum = c.captum ? fx.captumMs[c.captum] : undefined;
  rows.push([
    c.single ? `${c.name} (2 images)` : c.name,
    single.wall.toFixed(1),
    single.cpu.toFixed(1),
    captum === undefined ? "" : captum.toFixed(1),
    captum === undefined ? "" : (single.wall / captum).toFixed(2) + "x",
    captum === undefined ? "" : (single.cpu / captum).toFixed(2) + "x",
    `${many.wall.toFixed(0)} (${c.batch.shape[0]})`,
    (many.cpu / c.batch.shape[0]).toFixed(1),
  ]);
}
const header = [
  "tutorial CNN, wasm",
  "1 image ms",
  "CPU ms",
  "Captum ms",
  "ratio",
  "CPU ratio",
  "batch ms (N)",
  "CPU ms/image",
];
printTable(header, rows);
console.log(
  "ratio = our wall time / Captum's captum_ms; CPU ratio = our process CPU time / captum_ms. " +
    "Captum's times are the fixture's, recorded on another day and machine: for same-run " +
    "ratios, run `deno task bench:reference`.\n",
);

// ---- deno bench's own timings (one image; the batches are timed once, above) ---------------
for (const c of cases) {
  Deno.bench({
    name: `${c.name}: ${c.single ? "2 images" : "1 image"}`,
    n: 3,
    warmup: 1,
    fn: async () => (await c.run(c.single ?? one)).dispose(),
  });
}
