/**
 * Latency of the gradient-based primary attribution methods on the tutorial CNN (the Captum
 * fixture's weights), for one image and for a batch of 64, beside Captum's latency from the
 * fixture (`captum_ms`, one thread) as a ratio where Captum measured the same call.
 *
 * Run: `deno bench -A bench/attribution_bench.ts` (on a quiet machine: timings on a shared one
 * vary by 2× or more).
 *
 * @module
 */
import {
  Deconvolution,
  DeepLift,
  DeepLiftShap,
  GradientShap,
  GuidedBackprop,
  InputXGradient,
  IntegratedGradients,
  NoiseTunnel,
  Saliency,
  tf,
} from "../lib/mod.ts";
import { loadCaptumFixture } from "../fixtures/load_fixture.ts";
import { machineLine, machineProbeMs, medianMs } from "./_timing.ts";
import { printTable, ratio } from "./_report.ts";

const fx = loadCaptumFixture();
const model = fx.model;
const igImage = fx.inputs.slice([0, 0, 0, 0], [1, -1, -1, -1]);
const one = fx.inputs.slice([1, 0, 0, 0], [1, -1, -1, -1]);
const batch64 = tf.tile(one, [64, 1, 1, 1]);
const zeroRow = tf.zeros([1, 28, 28, 1]);

interface Case {
  name: string;
  /** Captum's entries in `captum_ms` for the one-image and the batch call, if measured. */
  captum?: string;
  captumBatch?: string;
  /** The one-image input (the fixture's image for that entry). */
  image: tf.Tensor;
  run: (x: tf.Tensor) => Promise<tf.Tensor>;
  batchRuns?: number;
}

const targetOf = (x: tf.Tensor) => (x === igImage ? fx.targets[0] : fx.targets[1]);
const ig = new IntegratedGradients(model);
const saliency = new Saliency(model);
const ixg = new InputXGradient(model);
const gradientShap = new GradientShap(model);
const deepLift = new DeepLift(model);
const deepLiftShap = new DeepLiftShap(model);
const guided = new GuidedBackprop(model);
const deconvolution = new Deconvolution(model);
const smoothGrad = new NoiseTunnel(saliency);

const cases: Case[] = [
  {
    name: "IntegratedGradients, 50 steps",
    captum: "IntegratedGradients",
    captumBatch: "IntegratedGradients_batch64",
    image: igImage,
    run: (x) => ig.attribute(x, { target: targetOf(x), internalBatchSize: 400 }),
    batchRuns: 2,
  },
  {
    name: "Saliency",
    captum: "Saliency",
    image: one,
    run: (x) => saliency.attribute(x, { target: 2 }),
  },
  {
    name: "InputXGradient",
    captum: "InputXGradient",
    image: one,
    run: (x) => ixg.attribute(x, { target: 2 }),
  },
  {
    name: "GradientShap, 5 samples, zero baseline",
    captum: "GradientShap",
    image: one,
    run: (x) => gradientShap.attribute(x, { target: 2, baselines: zeroRow }),
  },
  {
    name: "DeepLift",
    captum: "DeepLift",
    image: one,
    run: (x) => deepLift.attribute(x, { target: 2 }),
  },
  {
    name: "DeepLiftShap, 1 baseline row",
    image: one,
    run: (x) => deepLiftShap.attribute(x, { target: 2, baselines: zeroRow }),
  },
  {
    name: "GuidedBackprop",
    captum: "GuidedBackprop",
    image: one,
    run: (x) => guided.attribute(x, { target: 2 }),
  },
  { name: "Deconvolution", image: one, run: (x) => deconvolution.attribute(x, { target: 2 }) },
  {
    name: "NoiseTunnel(Saliency), 5 samples",
    image: one,
    run: (x) => smoothGrad.attribute(x, { target: 2, stdevs: 0.1 }),
  },
];

// ---- summary (measured once at load, printed before deno bench's own table) ----------------
const rows: string[][] = [];
const probeBefore = machineProbeMs();
for (const c of cases) {
  const single = await medianMs(() => c.run(c.image), 21);
  const many = await medianMs(
    () => c.run(batch64),
    c.batchRuns ?? 5,
    (c.batchRuns ?? 5) > 1 ? 1 : 0,
  );
  const captum = c.captum ? fx.captumMs[c.captum] : undefined;
  const captumBatch = c.captumBatch ? fx.captumMs[c.captumBatch] : undefined;
  rows.push([
    c.name,
    single.toFixed(2),
    captum === undefined ? "" : captum.toFixed(2),
    ratio(single, captum),
    many.toFixed(0),
    captumBatch === undefined ? "" : captumBatch.toFixed(0),
    ratio(many, captumBatch),
  ]);
}
const header = [
  "tutorial CNN, wasm",
  "1 image ms",
  "Captum ms",
  "ratio",
  "batch 64 ms",
  "Captum ms",
  "ratio",
];
const probeAfter = machineProbeMs();
printTable(header, rows);
console.log(machineLine(probeBefore, probeAfter));
console.log(
  "ratio = ours / Captum's captum_ms. " +
    "Captum's times are the fixture's, recorded on another day and machine: for same-run ratios, run `deno task bench:reference`.\n",
);

// ---- deno bench's own timings ----------------------------------------------------------------
for (const c of cases) {
  Deno.bench({
    name: `${c.name}: 1 image`,
    group: c.name,
    baseline: true,
    n: 10,
    warmup: 2,
    fn: async () => (await c.run(c.image)).dispose(),
  });
  Deno.bench({
    name: `${c.name}: batch of 64`,
    group: c.name,
    n: c.batchRuns ?? 3,
    warmup: 1,
    fn: async () => (await c.run(batch64)).dispose(),
  });
}
