/**
 * Winograd (F(4×4, 3×3) on these shapes; F(2×2, 3×3) beside it) vs XNNPACK on the tutorial CNN's second convolution (3×3, "same",
 * `[n, 28, 28, 32] → 16` channels) and on its input gradient (`[n, 28, 28, 16] → 32` channels,
 * the flipped filter), batch 1 and 64. Both run at the kernel level on the wasm heap, interleaved
 * in rounds; the table prints the min and median per-call time over rounds and XNNPACK / Winograd.
 *
 * ```sh
 * deno bench -A bench/winograd_bench.ts
 * ```
 *
 * @module
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { tf } from "../lib/mod.ts";
import { conv2d, disposeAll, runKernel } from "../lib/backend/_kernels/_wasm.ts";
import { winogradConv2d } from "../lib/backend/_kernels/winograd/winograd_conv2d.ts";
import { printTable } from "./_report.ts";
import { interleavedKernelMs } from "./_timing.ts";

const backend = tf.backend() as BackendWasm;
const SAME: [number, number, number, number] = [1, 1, 1, 1];

interface Shape {
  name: string;
  batch: number;
  xnnpack: () => tf.TensorInfo;
  winograd: () => tf.TensorInfo;
  winograd2: () => tf.TensorInfo;
  inputs: tf.Tensor[];
}

function shapes(batch: number): Shape[] {
  const x = tf.randomNormal([batch, 28, 28, 32], 0, 1, "float32", 1);
  const filter = tf.randomNormal([3, 3, 32, 16], 0, 0.1, "float32", 2);
  const bias = tf.randomNormal([16], 0, 0.1, "float32", 3);
  const dy = tf.randomNormal([batch, 28, 28, 16], 0, 1, "float32", 4);
  // What Conv2DBackpropInput's XNNPACK path convolves dy with: [3, 3, 16, 32], flipped.
  const flipped = tf.tidy(() => tf.reverse(tf.transpose(filter, [0, 1, 3, 2]), [0, 1]));
  const fused = {
    strides: [1, 1],
    pad: "same",
    dataFormat: "NHWC",
    dilations: [1, 1],
    dimRoundingMode: undefined,
    activation: "relu",
  };
  const need = (y: tf.TensorInfo | null) => {
    if (y === null) throw new Error("Winograd declined the benchmark's shape.");
    return y;
  };
  return [{
    name: `conv2 forward, batch ${batch}`,
    batch,
    xnnpack: () => runKernel("FusedConv2D", backend, { x, filter, bias }, fused),
    winograd: () => need(winogradConv2d(backend, x, filter, bias, SAME, true)),
    winograd2: () => need(winogradConv2d(backend, x, filter, bias, SAME, true, { tile: 2 })),
    inputs: [x, filter, bias],
  }, {
    name: `conv2 input gradient, batch ${batch}`,
    batch,
    xnnpack: () => conv2d(backend, dy, flipped, SAME),
    winograd: () => need(winogradConv2d(backend, dy, filter, null, SAME, false, { flipped: true })),
    winograd2: () =>
      need(winogradConv2d(backend, dy, filter, null, SAME, false, { flipped: true, tile: 2 })),
    inputs: [dy, flipped],
  }];
}

const all = [...shapes(1), ...shapes(64)];
const rows: string[][] = [];
for (const s of all) {
  const [x, w2, w] = interleavedKernelMs(
    [s.xnnpack, s.winograd2, s.winograd],
    s.batch === 1 ? 100 : 3,
    11,
    500,
  );
  rows.push([
    s.name,
    `${x.min.toFixed(3)} / ${x.median.toFixed(3)}`,
    `${w2.min.toFixed(3)} / ${w2.median.toFixed(3)}`,
    `${w.min.toFixed(3)} / ${w.median.toFixed(3)}`,
    `${(x.min / w.min).toFixed(2)}x / ${(x.median / w.median).toFixed(2)}x`,
  ]);
}
printTable(
  [
    "shape (ms per call: min / median)",
    "XNNPACK",
    "Winograd F(2x2)",
    "Winograd",
    "XNNPACK / Winograd",
  ],
  rows,
);

for (const s of all) {
  Deno.bench({ name: `${s.name}: XNNPACK`, group: s.name, baseline: true }, () => {
    disposeAll(backend, s.xnnpack());
  });
  Deno.bench({ name: `${s.name}: Winograd`, group: s.name }, () => {
    disposeAll(backend, s.winograd());
  });
}

globalThis.addEventListener("unload", () => {
  for (const s of all) tf.dispose(s.inputs);
});
