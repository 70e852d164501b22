/**
 * The gradient kernels this library adds to the wasm backend, at MobileNetV2 sizes: the depthwise
 * input gradient (`DepthwiseConv2dNativeBackpropInput`, XNNPACK's depthwise convolution of the
 * zero-inserted dy by the rotated filter) on `[1, 112, 112, 96]` 3×3 stride 2 and
 * `[1, 56, 56, 144]` stride 1, the depthwise filter gradient on the same shapes, and `MaxPoolGrad`
 * (the SIMD first-maximum kernel) on `[1, 112, 112, 64]` 3×3/2 "same", on random and on
 * ReLU-like (half zero) inputs. Each is compared in the same run with the plain TypeScript loop
 * over the wasm heap that the kernel falls back to ("loop"; the depthwise filter gradient is such a
 * loop), with the wasm backend's own kernel where this library replaced one ("stock wasm": the
 * stock `MaxPoolGrad`, which also routes ties differently), and with the `cpu` backend's kernel
 * ("cpu"), all at the kernel level. Ours, the loop and the stock kernel run interleaved in rounds;
 * cpu (up to a second per call) runs a few calls after them. The table prints min / median
 * milliseconds per call and the ratios of the minima.
 *
 * ```sh
 * deno bench -A bench/layer_gradient_bench.ts
 * ```
 *
 * @module
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { tf } from "../lib/mod.ts";
import { disposeAll, heapView, originalKernels, runKernel } from "../lib/backend/_kernels/_wasm.ts";
import {
  depthwiseBackpropInputLoop,
  depthwiseInfo,
} from "../lib/backend/_kernels/depthwise_conv2d_backprop_input.ts";
import { maxPoolGradInto, poolGeometry } from "../lib/backend/_kernels/max_pool_grad.ts";
import { printTable } from "./_report.ts";
import { interleavedKernelMs, machineLine, machineProbeMs } from "./_timing.ts";

const backend = tf.backend() as BackendWasm;
const cpu = tf.findBackend("cpu") as tf.KernelBackend;

interface Case {
  name: string;
  kernel: string;
  attrs: Record<string, unknown>;
  /** Inputs as plain values, uploaded to each backend. */
  inputs: Record<string, { values: Float32Array; shape: number[] }>;
  /**
   * The TypeScript heap loop the kernel falls back to, writing the output of `outShape` from the
   * wasm inputs; absent where the kernel is that loop (the depthwise filter gradient).
   */
  loop?: (wasmInputs: Record<string, tf.TensorInfo>, out: Float32Array) => void;
  outShape: number[];
}

function random(
  shape: number[],
  seed: number,
  relu = false,
): { values: Float32Array; shape: number[] } {
  const t = tf.randomNormal(shape, 0, 1, "float32", seed);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  if (relu) { for (let i = 0; i < values.length; i++) values[i] = Math.max(0, values[i]); }
  return { values, shape };
}

function depthwiseCases(size: number, channels: number, stride: number): Case[] {
  const inputShape = [1, size, size, channels];
  const filterShape = [3, 3, channels, 1];
  const common = { strides: [stride, stride], dilations: [1, 1], pad: "same" };
  const info = depthwiseInfo(inputShape, filterShape, common as never);
  const what = `${size}x${size}x${channels} 3x3 stride ${stride}`;
  const dy = random(info.outShape, 1);
  return [{
    name: `depthwise input gradient ${what}`,
    kernel: "DepthwiseConv2dNativeBackpropInput",
    attrs: { ...common, inputShape },
    inputs: { dy, filter: random(filterShape, 2) },
    loop: (i, out) =>
      depthwiseBackpropInputLoop(heapView(backend, i.dy), heapView(backend, i.filter), out, info),
    outShape: inputShape,
  }, {
    name: `depthwise filter gradient ${what}`,
    kernel: "DepthwiseConv2dNativeBackpropFilter",
    attrs: { ...common, filterShape },
    inputs: { x: random(inputShape, 3), dy },
    outShape: filterShape,
  }];
}

function maxPoolCase(relu: boolean): Case {
  const shape = [1, 112, 112, 64];
  const attrs = { filterSize: [3, 3], strides: [2, 2], pad: "same" };
  const g = poolGeometry(shape, attrs as never);
  const outShape = [1, g.outHeight, g.outWidth, 64];
  return {
    name: `MaxPoolGrad 112x112x64 3x3/2 same, ${relu ? "ReLU-like input" : "random input"}`,
    kernel: "MaxPoolGrad",
    attrs,
    inputs: {
      input: random(shape, 4, relu),
      dy: random(outShape, 5),
      output: random(outShape, 6), // unused by both kernels
    },
    loop: (i, out) => maxPoolGradInto(heapView(backend, i.input), heapView(backend, i.dy), out, g),
    outShape: shape,
  };
}

const CASES: Case[] = [
  ...depthwiseCases(112, 96, 2),
  ...depthwiseCases(56, 144, 1),
  maxPoolCase(false),
  maxPoolCase(true),
];

const upload = (b: tf.KernelBackend, c: Case): Record<string, tf.TensorInfo> =>
  Object.fromEntries(
    Object.entries(c.inputs).map(([k, v]) => [
      k,
      { dataId: b.write(v.values.slice(), v.shape, "float32"), shape: v.shape, dtype: "float32" },
    ]),
  );

interface Prepared {
  c: Case;
  ours: () => tf.TensorInfo;
  loop: (() => tf.TensorInfo) | null;
  /** The wasm backend's own kernel, where this library replaced one. */
  stock: (() => tf.TensorInfo) | null;
  cpu: () => tf.TensorInfo;
  release: () => void;
}

function prepare(c: Case): Prepared {
  const onWasm = upload(backend, c);
  const onCpu = upload(cpu, c);
  const cpuKernel = tf.getKernel(c.kernel, "cpu")!;
  const ours = tf.getKernel(c.kernel, "wasm")!;
  const loop = c.loop;
  return {
    c,
    ours: () =>
      ours.kernelFunc({
        inputs: onWasm,
        backend,
        attrs: c.attrs as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo,
    loop: loop === undefined ? null : () => {
      const out = backend.makeOutput(c.outShape, "float32");
      loop(onWasm, heapView(backend, out) as Float32Array);
      return out;
    },
    // runKernel runs the kernel this library replaced, if any.
    stock: originalKernels.has(c.kernel)
      ? () => runKernel(c.kernel, backend, onWasm, c.attrs)
      : null,
    // A cpu call's output is freed on cpu; the 1-element wasm buffer returned is what the timing
    // helper frees.
    cpu: () => {
      const out = cpuKernel.kernelFunc({
        inputs: onCpu,
        backend: cpu,
        attrs: c.attrs as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      cpu.disposeData(out.dataId);
      return backend.makeOutput([1], "float32");
    },
    release: () => {
      disposeAll(backend, ...Object.values(onWasm));
      for (const info of Object.values(onCpu)) cpu.disposeData(info.dataId);
    },
  };
}

const prepared = CASES.map(prepare);
const probeBefore = machineProbeMs();
const rows: string[][] = [];
const ms = (t: { min: number; median: number }) => `${t.min.toFixed(2)} / ${t.median.toFixed(2)}`;
const ratio = (t: { min: number } | undefined, ours: { min: number }, digits: number) =>
  t === undefined ? "—" : `${(t.min / ours.min).toFixed(digits)}x`;
for (const p of prepared) {
  const others = [p.loop, p.stock].filter((f) => f !== null);
  const [ours, ...times] = interleavedKernelMs([p.ours, ...others], 5, 15, 400);
  const loop = p.loop === null ? undefined : times.shift();
  const stock = p.stock === null ? undefined : times.shift();
  const [onCpu] = interleavedKernelMs([p.cpu], 1, 3, 0);
  rows.push([
    p.c.name,
    ms(ours),
    loop === undefined ? "(ours)" : ms(loop),
    stock === undefined ? "—" : ms(stock),
    ms(onCpu),
    ratio(loop, ours, 1),
    ratio(stock, ours, 1),
    ratio(onCpu, ours, 0),
  ]);
}
const probeAfter = machineProbeMs();
printTable(
  [
    "kernel (ms per call: min / median)",
    "ours",
    "loop",
    "stock wasm",
    "cpu",
    "loop / ours",
    "stock / ours",
    "cpu / ours",
  ],
  rows,
);
console.log(machineLine(probeBefore, probeAfter));

for (const p of prepared) {
  Deno.bench({ name: `${p.c.name}: ours`, group: p.c.name, baseline: true }, () => {
    disposeAll(backend, p.ours());
  });
  for (const [label, fn] of [["loop", p.loop], ["stock wasm", p.stock]] as const) {
    if (fn === null) continue;
    Deno.bench({ name: `${p.c.name}: ${label}`, group: p.c.name }, () => {
      disposeAll(backend, fn());
    });
  }
}

globalThis.addEventListener("unload", () => {
  for (const p of prepared) p.release();
});
