/**
 * The direct SIMD convolutions for few channels that this library's `FusedConv2D` and
 * `Conv2DBackpropInput` run, against the wasm backend's stock kernels of those names, on the
 * tutorial CNN's first convolution (3×3, "same", `[n, 28, 28, 1] → 32` channels, bias, relu) and
 * its input gradient (`dy [n, 28, 28, 32] → dx [n, 28, 28, 1]`), batch 1 and 64, plus an RGB first
 * layer (`[n, 32, 32, 3] → 32`). Stock: XNNPACK's convolution for the forward, the backend's own
 * input-gradient loop for the gradient. Both run at the kernel level on the wasm heap (the stock
 * kernels as registration returned them), interleaved in rounds; the table prints the min and
 * median per-call time over rounds and stock / ours.
 *
 * ```sh
 * deno bench -A bench/direct_conv_bench.ts
 * ```
 *
 * @module
 */
import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  FusedConv2D,
  type FusedConv2DAttrs,
} from "@tensorflow/tfjs-core";
import { tf } from "../lib/mod.ts";
import { runWasmKernel } from "../lib/backend/backend.ts";
import { printTable } from "./_report.ts";
import { interleavedKernelMs } from "./_timing.ts";

const backend = tf.backend();

interface Shape {
  name: string;
  batch: number;
  stock: () => tf.TensorInfo;
  ours: () => tf.TensorInfo;
  inputs: tf.Tensor[];
}

function shapes(batch: number, size: number, ci: number, co: number): Shape[] {
  const x = tf.randomNormal([batch, size, size, ci], 0, 1, "float32", 1);
  const filter = tf.randomNormal([3, 3, ci, co], 0, 0.1, "float32", 2);
  const bias = tf.randomNormal([co], 0, 0.1, "float32", 3);
  const dy = tf.randomNormal([batch, size, size, co], 0, 1, "float32", 4);
  const fused: FusedConv2DAttrs = {
    strides: [1, 1],
    pad: "same",
    dataFormat: "NHWC",
    dilations: [1, 1],
    dimRoundingMode: "floor",
    activation: "relu",
  };
  const gradient: Conv2DBackpropInputAttrs = {
    inputShape: [batch, size, size, ci],
    strides: [1, 1],
    pad: "same",
    dataFormat: "NHWC",
  };
  const what = `${size}x${size}x${ci} → ${co}`;
  const run =
    (kernel: "ours" | "stock", name: string, inputs: tf.NamedTensorInfoMap, attrs: object) => () =>
      runWasmKernel(kernel, name, inputs, attrs);
  return [{
    name: `forward ${what}, batch ${batch}`,
    batch,
    stock: run("stock", FusedConv2D, { x, filter, bias }, fused),
    ours: run("ours", FusedConv2D, { x, filter, bias }, fused),
    inputs: [x, filter, bias],
  }, {
    name: `input gradient ${what}, batch ${batch}`,
    batch,
    stock: run("stock", Conv2DBackpropInput, { dy, filter }, gradient),
    ours: run("ours", Conv2DBackpropInput, { dy, filter }, gradient),
    inputs: [dy],
  }];
}

const all = [
  ...shapes(1, 28, 1, 32),
  ...shapes(64, 28, 1, 32),
  ...shapes(1, 32, 3, 32),
  ...shapes(64, 32, 3, 32),
];
const rows: string[][] = [];
for (const s of all) {
  const [o, d] = interleavedKernelMs([s.stock, s.ours], s.batch === 1 ? 200 : 4, 15, 400);
  const us = (v: number) => (v * 1000).toFixed(1);
  rows.push([
    s.name,
    `${us(o.min)} / ${us(o.median)}`,
    `${us(d.min)} / ${us(d.median)}`,
    `${(o.min / d.min).toFixed(2)}x / ${(o.median / d.median).toFixed(2)}x`,
  ]);
}
printTable(["shape (µs per call: min / median)", "stock", "ours (direct)", "stock / ours"], rows);

for (const s of all) {
  Deno.bench({ name: `${s.name}: stock`, group: s.name, baseline: true }, () => {
    backend.disposeData(s.stock().dataId);
  });
  Deno.bench({ name: `${s.name}: ours`, group: s.name }, () => {
    backend.disposeData(s.ours().dataId);
  });
}

globalThis.addEventListener("unload", () => {
  for (const s of all) tf.dispose(s.inputs);
});
