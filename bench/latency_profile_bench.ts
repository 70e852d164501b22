/**
 * Where single-image attribution time goes on the tutorial CNN (the Captum fixture's weights), and
 * what this library's overhead cuts save: Saliency, IntegratedGradients (50 steps) and LayerGradCam
 * (conv2) on one image, interleaved in one process (min and median of several rounds), plus the
 * per-kernel profile of one call each way. "stock" runs the stock wasm `Identity` and `Cast` and a
 * transpose-then-multiply `BatchMatMul`, a forward function with conv + separate bias add, and a
 * target selected by a taped one-hot multiply and sum (a function target); "ours" runs this
 * library's kernels, the LayersModel (fused conv + bias) and a class-index target (mask-seeded
 * gradient). LayerGradCam needs the LayersModel either way. Also times conv + bias add against
 * XNNPACK's fused conv + bias.
 *
 * Run: `deno bench -A bench/latency_profile_bench.ts` (timings on a shared machine vary; compare
 * the two columns of one run, not runs).
 *
 * @module
 */
import {
  BatchMatMul,
  type BatchMatMulAttrs,
  type BatchMatMulInputs,
  Cast,
  Identity,
  Transpose,
} from "@tensorflow/tfjs-core";
import { IntegratedGradients, LayerGradCam, Saliency, tf } from "../lib/mod.ts";
import { runWasmKernel, stockWasmKernels } from "../lib/backend/backend.ts";
import { loadCaptumFixture } from "../fixtures/load_fixture.ts";

const fx = loadCaptumFixture();
const one = fx.inputs.slice([1, 0, 0, 0], [1, -1, -1, -1]);
const target = fx.targets[1];
const weights = (name: string) => fx.model.getLayer(name).getWeights();
/** The tutorial CNN as plain ops with separate bias adds (the attribution graph before fusion). */
const unfusedForward = (x: tf.Tensor): tf.Tensor => {
  const [k1, b1] = weights("conv1") as [tf.Tensor4D, tf.Tensor1D];
  const [k2, b2] = weights("conv2") as [tf.Tensor4D, tf.Tensor1D];
  const [kd, bd] = weights("dense") as [tf.Tensor2D, tf.Tensor1D];
  const h1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1, 1, "same"), b1)) as tf.Tensor4D;
  const h2 = tf.relu(tf.add(tf.conv2d(h1, k2, 1, "same"), b2));
  return tf.add(tf.matMul(h2.reshape([h2.shape[0], -1]), kd), bd);
};
const mask = tf.oneHot([target], 10).toFloat();
/** The target as the taped one-hot multiply and sum. */
const maskTarget = (out: tf.Tensor) => out.mul(mask).sum(1);
const saliency = { stock: new Saliency(unfusedForward), ours: new Saliency(fx.model) };
const ig = {
  stock: new IntegratedGradients(unfusedForward),
  ours: new IntegratedGradients(fx.model),
};
const gradCam = new LayerGradCam(fx.model, "conv2");

/** The stock wasm kernels' behaviour before this library's versions of these kernels. */
function stockTransposeThenMultiply(
  { inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const backend = tf.backend();
  const { a, b } = inputs as Record<keyof BatchMatMulInputs, tf.TensorInfo>;
  const { transposeA, transposeB } = attrs as Partial<BatchMatMulAttrs>;
  const swapLast2 = (x: tf.TensorInfo) => {
    const perm = [...x.shape.keys()];
    [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
    return runWasmKernel("stock", Transpose, { x }, { perm });
  };
  const aa = transposeA ? swapLast2(a) : a;
  const bb = transposeB ? swapLast2(b) : b;
  const out = runWasmKernel("stock", BatchMatMul, { a: aa, b: bb }, {
    transposeA: false,
    transposeB: false,
  });
  if (transposeA) backend.disposeData(aa.dataId);
  if (transposeB) backend.disposeData(bb.dataId);
  return out;
}

const stock = stockWasmKernels();
const STOCK: Record<string, tf.KernelFunc> = {
  [BatchMatMul]: stockTransposeThenMultiply,
  [Identity]: stock.get(Identity)!.kernelFunc,
  [Cast]: stock.get(Cast)!.kernelFunc,
};
const OURS: Record<string, tf.KernelFunc> = Object.fromEntries(
  Object.keys(STOCK).map((name) => [name, tf.getKernel(name, "wasm").kernelFunc]),
);

/** Make `kernels` the wasm backend's kernels of those names. */
function use(kernels: Record<string, tf.KernelFunc>): void {
  for (const [name, kernelFunc] of Object.entries(kernels)) {
    const setupFunc = tf.getKernel(name, "wasm")?.setupFunc;
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc, setupFunc });
  }
}

const variants: Array<[Variant, Record<string, tf.KernelFunc>]> = [
  ["stock", STOCK],
  ["ours", OURS],
];
type Variant = "stock" | "ours";
const targetFor = (v: Variant) => (v === "stock" ? maskTarget : target);
const cases: Array<[string, (v: Variant) => Promise<tf.Tensor>, number]> = [
  ["Saliency", (v) => saliency[v].attribute(one, { target: targetFor(v) }), 20],
  ["IntegratedGradients, 50 steps", (v) => ig[v].attribute(one, { target: targetFor(v) }), 4],
  ["LayerGradCam conv2", (v) => gradCam.attribute(one, { target: targetFor(v) }), 20],
];

async function callMs(fn: () => Promise<tf.Tensor>): Promise<number> {
  const t0 = performance.now();
  const out = await fn();
  await out.data();
  const ms = performance.now() - t0;
  out.dispose();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const load = () => Deno.loadavg().map((v) => v.toFixed(2)).join(" ");

// ---- interleaved timings --------------------------------------------------------------------
console.log(`\nload average before: ${load()}`);
const times: Record<string, Record<string, number[]>> = {};
for (const [name, fn] of cases) {
  times[name] = {};
  for (const [v, kernels] of variants) {
    use(kernels);
    times[name][v] = [];
    for (let i = 0; i < 3; i++) await callMs(() => fn(v)); // warm-up (XNNPACK operator caches)
  }
}
const ROUNDS = 7;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn, reps] of cases) {
    for (const [v, kernels] of variants) {
      use(kernels);
      for (let r = 0; r < reps; r++) times[name][v].push(await callMs(() => fn(v)));
    }
  }
}
console.log(`load average after:  ${load()}`);
console.log(
  "\none image, ms            stock min  stock median  ours min  ours median  ratio (min)",
);
for (const [name] of cases) {
  const s = times[name].stock;
  const o = times[name].ours;
  console.log(
    `${name.padEnd(30)} ${Math.min(...s).toFixed(2).padStart(5)} ${
      median(s).toFixed(2).padStart(13)
    } ${Math.min(...o).toFixed(2).padStart(9)} ${median(o).toFixed(2).padStart(12)} ${
      (Math.min(...o) / Math.min(...s)).toFixed(2).padStart(12)
    }x`,
  );
}

// ---- per-kernel profile of one call -----------------------------------------------------------
for (const [name, fn] of cases.slice(0, 2)) {
  const rows = new Map<string, string[]>();
  for (const [v, kernels] of variants) {
    use(kernels);
    const profile = await tf.profile(async () => (await fn(v)).dispose());
    const byKernel = new Map<string, [number, number]>();
    for (const k of profile.kernels) {
      // Skip custom-gradient wrappers (not kernels; their kernels are listed themselves).
      if (tf.getKernel(k.name, "wasm") === undefined) continue;
      const e = byKernel.get(k.name) ?? [0, 0];
      e[0]++;
      e[1] += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
      byKernel.set(k.name, e);
    }
    for (const [kernel, [count, ms]] of byKernel) {
      const row = rows.get(kernel) ?? ["", ""];
      row[v === "stock" ? 0 : 1] = `${count}× ${ms.toFixed(2)}`;
      rows.set(kernel, row);
    }
  }
  console.log(`\n${name}: kernel        stock (calls× ms)   ours`);
  for (const [kernel, [s, o]] of rows) console.log(`  ${kernel.padEnd(22)} ${s.padEnd(18)} ${o}`);
}
use(OURS);

// ---- conv + bias add vs fused conv + bias (forward only) ----------------------------------
console.log("\nconv forward, ms (min of 5 rounds)   conv, then add bias   fused conv + bias");
for (const layer of ["conv1", "conv2"]) {
  const [w, b] = fx.model.getLayer(layer).getWeights() as [tf.Tensor4D, tf.Tensor1D];
  for (const n of [1, 50]) {
    const x = tf.randomNormal([n, 28, 28, w.shape[2]], 0, 1, "float32", 1) as tf.Tensor4D;
    const plain = () => tf.tidy(() => tf.add(tf.conv2d(x, w, 1, "same"), b));
    const fused = () => tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: "same" });
    const best = { plain: Infinity, fused: Infinity };
    for (let round = 0; round < 5; round++) {
      for (const [k, f] of [["plain", plain], ["fused", fused]] as const) {
        const t0 = performance.now();
        for (let r = 0; r < 5; r++) f().dispose();
        best[k] = Math.min(best[k], (performance.now() - t0) / 5);
      }
    }
    console.log(
      `  ${layer}, batch ${String(n).padEnd(26)} ${best.plain.toFixed(3).padStart(8)} ${
        best.fused.toFixed(3).padStart(19)
      }`,
    );
    x.dispose();
  }
}
console.log();

Deno.bench({
  name: "Saliency, 1 image",
  n: 20,
  warmup: 3,
  fn: async () => (await saliency.ours.attribute(one, { target })).dispose(),
});
