/**
 * Latency of the layer and neuron explainers (and GuidedGradCam) on the tutorial CNN (the Captum
 * fixture's weights), for one image and for a batch of 64, beside Captum's latency from the
 * fixture (`captum_ms`, one thread, one image) as a ratio.
 *
 * Run: `deno bench -A bench/layer_bench.ts` (about a minute; timings on a shared machine vary).
 *
 * @module
 */
import {
  GuidedGradCam,
  LayerConductance,
  LayerDeepLift,
  LayerGradCam,
  LayerIntegratedGradients,
  NeuronGradient,
  NeuronGradientShap,
  NeuronIntegratedGradients,
  tf,
} from "../lib/mod.ts";
import { loadCaptumFixture } from "../fixtures/load_fixture.ts";
import { machineLine, machineProbeMs, medianMs } from "./_timing.ts";
import { printTable, ratio } from "./_report.ts";

const fx = loadCaptumFixture();
const model = fx.model;
const one = fx.inputs.slice([1, 0, 0, 0], [1, -1, -1, -1]);
const batch64 = tf.tile(one, [64, 1, 1, 1]);
const zeroRow = tf.zeros([1, 28, 28, 1]);
const target = fx.targets[1];

interface Case {
  name: string;
  /** Captum's entry in `captum_ms` (one image), if measured. */
  captum?: string;
  run: (x: tf.Tensor) => Promise<tf.Tensor>;
  /** Timed calls for the batch of 64 (1: a single call, no warm-up beyond the one-image runs). */
  batchRuns?: number;
}

const gradCam1 = new LayerGradCam(model, "conv1");
const gradCam2 = new LayerGradCam(model, "conv2");
const layerDeepLift = new LayerDeepLift(model, "conv1");
const layerIg = new LayerIntegratedGradients(model, "conv1");
const conductance = new LayerConductance(model, "conv2");
const neuronGradient = new NeuronGradient(model, "conv1");
const neuronIg = new NeuronIntegratedGradients(model, "conv1");
const neuronShap = new NeuronGradientShap(model, "conv2");
const guidedGradCam = new GuidedGradCam(model, "conv2");

const cases: Case[] = [
  {
    name: "LayerGradCam conv2",
    captum: "LayerGradCam_conv2",
    run: (x) => gradCam2.attribute(x, { target }),
  },
  {
    name: "LayerGradCam conv1",
    captum: "LayerGradCam_conv1",
    run: (x) => gradCam1.attribute(x, { target }),
  },
  {
    name: "LayerDeepLift conv1",
    captum: "LayerDeepLift_conv1",
    run: (x) => layerDeepLift.attribute(x, { target }),
  },
  {
    name: "LayerIntegratedGradients conv1, 50 steps",
    captum: "LayerIntegratedGradients_conv1",
    run: (x) => layerIg.attribute(x, { target, internalBatchSize: 400 }),
    batchRuns: 1,
  },
  {
    name: "LayerConductance conv2, 50 steps",
    run: (x) => conductance.attribute(x, { target, internalBatchSize: 408 }),
    batchRuns: 1,
  },
  {
    name: "NeuronGradient conv1 [15,15,0]",
    captum: "NeuronGradient",
    run: (x) => neuronGradient.attribute(x, { neuronSelector: [15, 15, 0] }),
  },
  {
    name: "NeuronIntegratedGradients conv1, 50 steps",
    captum: "NeuronIntegratedGradients",
    run: (x) => neuronIg.attribute(x, { neuronSelector: [15, 15, 0], internalBatchSize: 400 }),
    batchRuns: 1,
  },
  {
    name: "NeuronGradientShap conv2, 5 samples",
    captum: "NeuronGradientShap",
    run: (x) => neuronShap.attribute(x, { neuronSelector: [15, 15, 15], baselines: zeroRow }),
  },
  {
    name: "GuidedGradCam conv2",
    captum: "GuidedGradCam",
    run: (x) => guidedGradCam.attribute(x, { target }),
  },
];

// ---- summary (measured once at load, printed before deno bench's own table) ----------------
const rows: string[][] = [];
const probeBefore = machineProbeMs();
for (const c of cases) {
  const single = await medianMs(() => c.run(one), 21);
  const many = await medianMs(
    () => c.run(batch64),
    c.batchRuns ?? 5,
    (c.batchRuns ?? 5) > 1 ? 1 : 0,
  );
  const captum = c.captum ? fx.captumMs[c.captum] : undefined;
  rows.push([
    c.name,
    single.toFixed(2),
    captum === undefined ? "" : captum.toFixed(2),
    ratio(single, captum),
    many.toFixed(0),
  ]);
}
const header = ["tutorial CNN, wasm", "1 image ms", "Captum ms", "ratio", "batch 64 ms"];
const probeAfter = machineProbeMs();
printTable(header, rows);
console.log(machineLine(probeBefore, probeAfter));
console.log(
  "ratio = ours / Captum's captum_ms for one image. " +
    "Captum's times are the fixture's, recorded on another day and machine: for same-run ratios, run `deno task bench:reference`.\n",
);

// ---- deno bench's own timings (one image; the batch is in the summary above) ------------------
for (const c of cases) {
  Deno.bench({
    name: `${c.name}: 1 image`,
    n: 5,
    warmup: 1,
    fn: async () => (await c.run(one)).dispose(),
  });
}
