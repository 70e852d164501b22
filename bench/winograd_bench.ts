/**
 * This library's `FusedConv2D` and `Conv2DBackpropInput` (Winograd F(4×4, 3×3) on these shapes)
 * against XNNPACK, on the tutorial CNN's second convolution (3×3, "same", `[n, 28, 28, 32] → 16`
 * channels, bias, relu) and its input gradient (`[n, 28, 28, 16] → 32` channels). XNNPACK: the
 * stock `FusedConv2D` for the forward, and for the gradient the stock `Conv2D` of `dy` by the
 * flipped filter (the same convolution, as XNNPACK runs it). Batch 1 and 64, at the kernel level
 * on the wasm heap (the stock kernels as registration returned them), interleaved in rounds; the
 * table prints the min and median per-call time over rounds and XNNPACK / ours.
 *
 * ```sh
 * deno bench -A bench/winograd_bench.ts
 * ```
 *
 * @module
 */
import {
  Conv2D,
  type Conv2DAttrs,
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
  xnnpack: () => tf.TensorInfo;
  ours: () => tf.TensorInfo;
  inputs: tf.Tensor[];
}

function shapes(batch: number): Shape[] {
  const x = tf.randomNormal([batch, 28, 28, 32], 0, 1, "float32", 1);
  const filter = tf.randomNormal([3, 3, 32, 16], 0, 0.1, "float32", 2);
  const bias = tf.randomNormal([16], 0, 0.1, "float32", 3);
  const dy = tf.randomNormal([batch, 28, 28, 16], 0, 1, "float32", 4);
  // What the input gradient convolves dy with: [3, 3, 16, 32], flipped.
  const flipped = tf.tidy(() => tf.reverse(tf.transpose(filter, [0, 1, 3, 2]), [0, 1]));
  const conv: Conv2DAttrs = { strides: [1, 1], pad: "same", dataFormat: "NHWC", dilations: [1, 1] };
  const fused: FusedConv2DAttrs = { ...conv, dimRoundingMode: "floor", activation: "relu" };
  const gradient: Conv2DBackpropInputAttrs = {
    inputShape: [batch, 28, 28, 32],
    strides: [1, 1],
    pad: "same",
    dataFormat: "NHWC",
  };
  return [{
    name: `conv2 forward, batch ${batch}`,
    batch,
    xnnpack: () => runWasmKernel("stock", FusedConv2D, { x, filter, bias }, fused),
    ours: () => runWasmKernel("ours", FusedConv2D, { x, filter, bias }, fused),
    inputs: [x, filter, bias],
  }, {
    name: `conv2 input gradient, batch ${batch}`,
    batch,
    xnnpack: () => runWasmKernel("stock", Conv2D, { x: dy, filter: flipped }, conv),
    ours: () => runWasmKernel("ours", Conv2DBackpropInput, { dy, filter }, gradient),
    inputs: [dy, flipped],
  }];
}

const all = [...shapes(1), ...shapes(64)];
const rows: string[][] = [];
for (const s of all) {
  const [x, w] = interleavedKernelMs([s.xnnpack, s.ours], s.batch === 1 ? 100 : 3, 11, 500);
  rows.push([
    s.name,
    `${x.min.toFixed(3)} / ${x.median.toFixed(3)}`,
    `${w.min.toFixed(3)} / ${w.median.toFixed(3)}`,
    `${(x.min / w.min).toFixed(2)}x / ${(x.median / w.median).toFixed(2)}x`,
  ]);
}
printTable(
  ["shape (ms per call: min / median)", "XNNPACK", "ours (Winograd)", "XNNPACK / ours"],
  rows,
);

for (const s of all) {
  Deno.bench({ name: `${s.name}: XNNPACK`, group: s.name, baseline: true }, () => {
    backend.disposeData(s.xnnpack().dataId);
  });
  Deno.bench({ name: `${s.name}: ours`, group: s.name }, () => {
    backend.disposeData(s.ours().dataId);
  });
}

globalThis.addEventListener("unload", () => {
  for (const s of all) tf.dispose(s.inputs);
});
