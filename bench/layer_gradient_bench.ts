/**
 * The gradient kernels this library adds to the wasm backend, at MobileNetV2 sizes: the depthwise
 * input gradient (`DepthwiseConv2dNativeBackpropInput`, XNNPACK's depthwise convolution of the
 * zero-inserted dy by the rotated filter) on `[1, 112, 112, 96]` 3×3 stride 2 and
 * `[1, 56, 56, 144]` stride 1, the depthwise filter gradient on the same shapes, and `MaxPoolGrad`
 * (the SIMD first-maximum kernel) on `[1, 112, 112, 64]` 3×3/2 "same", on random and on
 * ReLU-like (half zero) inputs. Each is compared in the same run with the wasm backend's own
 * kernel where this library replaced one ("stock wasm": the stock `MaxPoolGrad`, which also routes
 * ties differently; the backend has no depthwise gradients), as registration returned it, and with
 * the `cpu` backend's kernel ("cpu"), all at the kernel level. Ours and the stock kernel run
 * interleaved in rounds; cpu (up to a second per call) runs a few calls after them. The table
 * prints min / median milliseconds per call and the ratios of the minima.
 *
 * ```sh
 * deno bench -A bench/layer_gradient_bench.ts
 * ```
 *
 * @module
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  MaxPoolGrad,
} from "@tensorflow/tfjs-core";
import { tf } from "../lib/mod.ts";
import { runWasmKernel, stockWasmKernels } from "../lib/backend/backend.ts";
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
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    stride,
    1,
    "same",
    undefined,
    true,
  );
  const what = `${size}x${size}x${channels} 3x3 stride ${stride}`;
  const dy = random(info.outShape, 1);
  return [{
    name: `depthwise input gradient ${what}`,
    kernel: DepthwiseConv2dNativeBackpropInput,
    attrs: { ...common, inputShape },
    inputs: { dy, filter: random(filterShape, 2) },
  }, {
    name: `depthwise filter gradient ${what}`,
    kernel: DepthwiseConv2dNativeBackpropFilter,
    attrs: { ...common, filterShape },
    inputs: { x: random(inputShape, 3), dy },
  }];
}

function maxPoolCase(relu: boolean): Case {
  const shape = [1, 112, 112, 64];
  const attrs = { filterSize: [3, 3], strides: [2, 2], pad: "same" };
  const { outShape } = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    [3, 3],
    2,
    1,
    "same",
  );
  return {
    name: `MaxPoolGrad 112x112x64 3x3/2 same, ${relu ? "ReLU-like input" : "random input"}`,
    kernel: MaxPoolGrad,
    attrs,
    inputs: {
      input: random(shape, 4, relu),
      dy: random(outShape, 5),
      output: random(outShape, 6), // unused by both kernels
    },
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
  /** The wasm backend's own kernel, where this library replaced one. */
  stock: (() => tf.TensorInfo) | null;
  cpu: () => tf.TensorInfo;
  release: () => void;
}

function prepare(c: Case): Prepared {
  const onWasm = upload(backend, c);
  const onCpu = upload(cpu, c);
  const cpuKernel = tf.getKernel(c.kernel, "cpu")!;
  return {
    c,
    ours: () => runWasmKernel("ours", c.kernel, onWasm, c.attrs),
    stock: stockWasmKernels().has(c.kernel)
      ? () => runWasmKernel("stock", c.kernel, onWasm, c.attrs)
      : null,
    // A cpu call's output is freed on cpu; the 1-element wasm buffer returned is what the timing
    // helper frees.
    cpu: () => {
      const out = cpuKernel.kernelFunc({
        inputs: onCpu,
        backend: cpu,
        attrs: c.attrs as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      cpu.disposeData(out.dataId);
      return backend.makeOutput([1], "float32");
    },
    release: () => {
      for (const info of Object.values(onWasm)) backend.disposeData(info.dataId);
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
  const [ours, stock] = interleavedKernelMs(
    p.stock === null ? [p.ours] : [p.ours, p.stock],
    5,
    15,
    400,
  );
  const [onCpu] = interleavedKernelMs([p.cpu], 1, 3, 0);
  rows.push([
    p.c.name,
    ms(ours),
    stock === undefined ? "—" : ms(stock),
    ms(onCpu),
    ratio(stock, ours, 1),
    ratio(onCpu, ours, 0),
  ]);
}
const probeAfter = machineProbeMs();
printTable(
  [
    "kernel (ms per call: min / median)",
    "ours",
    "stock wasm",
    "cpu",
    "stock / ours",
    "cpu / ours",
  ],
  rows,
);
console.log(machineLine(probeBefore, probeAfter));

for (const p of prepared) {
  Deno.bench({ name: `${p.c.name}: ours`, group: p.c.name, baseline: true }, () => {
    backend.disposeData(p.ours().dataId);
  });
  const stock = p.stock;
  if (stock !== null) {
    Deno.bench({ name: `${p.c.name}: stock wasm`, group: p.c.name }, () => {
      backend.disposeData(stock().dataId);
    });
  }
}

globalThis.addEventListener("unload", () => {
  for (const p of prepared) p.release();
});
