/**
 * One-image latencies of the main methods on the 224 × 224 × 3 MobileNet-style network
 * (`fixtures/scale_networks.ts`) with default batching options on the wasm backend (each
 * call's chunks sized by the memory budget). `deno bench -A bench/scale_bench.ts` prints the
 * table after the bench rows.
 */
import {
  DeepLift,
  FeatureAblation,
  GradientShap,
  gridFeatureMask,
  IntegratedGradients,
  LayerConductance,
  LayerGradCam,
  NeuronConductance,
  Occlusion,
  Saliency,
  tf,
} from "../lib/mod.ts";
import { scaleMobilenet } from "../fixtures/scale_networks.ts";
import { printTable } from "./_report.ts";
import { medianMs } from "./_timing.ts";

const model = scaleMobilenet();
const x = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 7);
const dist = tf.stack([tf.zeros([224, 224, 3]), tf.fill([224, 224, 3], 0.5)]);
const grid16 = gridFeatureMask([1, 224, 224, 3], 16);
const target = 0;

const calls: Array<[string, () => Promise<tf.Tensor>]> = [
  [
    "IntegratedGradients (nSteps 50)",
    () => new IntegratedGradients(model).attribute(x, { target }),
  ],
  ["Saliency", () => new Saliency(model).attribute(x, { target })],
  ["DeepLift", () => new DeepLift(model).attribute(x, { target })],
  [
    "GradientShap (nSamples 5)",
    () => new GradientShap(model).attribute(x, { target, baselines: dist }),
  ],
  [
    "Occlusion (32×32, stride 16)",
    () =>
      new Occlusion(model).attribute(x, {
        target,
        slidingWindowShapes: [32, 32, 3],
        strides: [16, 16, 3],
      }),
  ],
  [
    "FeatureAblation (16×16 grid)",
    () => new FeatureAblation(model).attribute(x, { target, featureMask: grid16 }),
  ],
  ["LayerGradCam (relu3)", () => new LayerGradCam(model, "relu3").attribute(x, { target })],
  [
    "LayerConductance (relu3, nSteps 50)",
    () => new LayerConductance(model, "relu3").attribute(x, { target }),
  ],
  [
    "NeuronConductance (relu3 [28, 28, 3], nSteps 50)",
    () =>
      new NeuronConductance(model, "relu3").attribute(x, { neuronSelector: [28, 28, 3], target }),
  ],
];

for (const [name, call] of calls) {
  Deno.bench(
    { name: `224² MobileNet-style: ${name}`, group: "scale", n: 1, warmup: 1 },
    async () => {
      const out = await call();
      await out.data();
      out.dispose();
    },
  );
}

Deno.bench({ name: "scale summary (median of 3, printed)", n: 1, warmup: 0 }, async () => {
  const rows: string[][] = [];
  for (const [name, call] of calls) {
    rows.push([name, (await medianMs(call, 3, 1, 0)).toFixed(0)]);
  }
  printTable(["method, one 224×224×3 image, default batching", "ms"], rows);
});
