/**
 * The direct SIMD convolutions for few channels vs the paths they replace, on the tutorial CNN's
 * first convolution (3×3, "same", `[n, 28, 28, 1] → 32` channels, bias, relu) and its input
 * gradient (`dy [n, 28, 28, 32] → dx [n, 28, 28, 1]`), batch 1 and 64, plus an RGB first layer
 * (`[n, 32, 32, 3] → 32`). Old: the forward on XNNPACK (the backend's own `FusedConv2D`); the
 * input gradient as `col2im(dy · Wᵀ)` with the matmul on XNNPACK (the "patch path" of
 * `Conv2DBackpropInput`). Both run at the kernel level on the wasm heap, interleaved in rounds;
 * the table prints the min and median per-call time over rounds and old / new.
 *
 * ```sh
 * deno bench -A bench/direct_conv_bench.ts
 * ```
 *
 * @module
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { tf } from "../lib/mod.ts";
import { disposeAll, runKernel } from "../lib/backend/_kernels/_wasm.ts";
import { col2im, geometry } from "../lib/backend/_kernels/_patches.ts";
import {
  fewInChannelsConv2d,
  fewInChannelsConv2dBackpropInput,
} from "../lib/backend/_kernels/direct_conv/direct_conv2d.ts";
import { printTable } from "./_report.ts";
import { interleavedKernelMs } from "./_timing.ts";

const backend = tf.backend() as BackendWasm;
const SAME: [number, number, number, number] = [1, 1, 1, 1];

interface Shape {
  name: string;
  batch: number;
  old: () => tf.TensorInfo;
  direct: () => tf.TensorInfo;
  inputs: tf.Tensor[];
}

const need = (y: tf.TensorInfo | null) => {
  if (y === null) throw new Error("The direct kernel declined the benchmark's shape.");
  return y;
};

function shapes(batch: number, size: number, ci: number, co: number): Shape[] {
  const x = tf.randomNormal([batch, size, size, ci], 0, 1, "float32", 1);
  const filter = tf.randomNormal([3, 3, ci, co], 0, 0.1, "float32", 2);
  const bias = tf.randomNormal([co], 0, 0.1, "float32", 3);
  const dy = tf.randomNormal([batch, size, size, co], 0, 1, "float32", 4);
  // The patch path's operands: Wᵀ [co, 9·ci] (cached per filter in the kernel) and dy as rows.
  const wT = tf.tidy(() => tf.transpose(filter.reshape([9 * ci, co])));
  const info = tf.backend_util.computeConv2DInfo(
    [batch, size, size, ci],
    [3, 3, ci, co],
    1,
    1,
    "same",
  );
  const fused = {
    strides: [1, 1],
    pad: "same",
    dataFormat: "NHWC",
    dilations: [1, 1],
    dimRoundingMode: undefined,
    activation: "relu",
  };
  const what = `${size}x${size}x${ci} → ${co}`;
  return [{
    name: `forward ${what}, batch ${batch}`,
    batch,
    old: () => runKernel("FusedConv2D", backend, { x, filter, bias }, fused),
    direct: () => need(fewInChannelsConv2d(backend, x, filter, bias, SAME, true)),
    inputs: [x, filter, bias],
  }, {
    name: `input gradient ${what}, batch ${batch}`,
    batch,
    old: () => {
      const dy2 = runKernel("Reshape", backend, { x: dy }, { shape: [batch * size * size, co] });
      const cols = runKernel("BatchMatMul", backend, { a: dy2, b: wT }, {
        transposeA: false,
        transposeB: false,
      });
      const dx = col2im(backend, cols, geometry(info));
      disposeAll(backend, dy2, cols);
      return dx;
    },
    direct: () => need(fewInChannelsConv2dBackpropInput(backend, dy, filter, SAME)),
    inputs: [dy, wT],
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
  const [o, d] = interleavedKernelMs([s.old, s.direct], s.batch === 1 ? 200 : 4, 15, 400);
  const us = (v: number) => (v * 1000).toFixed(1);
  rows.push([
    s.name,
    `${us(o.min)} / ${us(o.median)}`,
    `${us(d.min)} / ${us(d.median)}`,
    `${(o.min / d.min).toFixed(2)}x / ${(o.median / d.median).toFixed(2)}x`,
  ]);
}
printTable(["shape (µs per call: min / median)", "old", "direct", "old / direct"], rows);

for (const s of all) {
  Deno.bench({ name: `${s.name}: old`, group: s.name, baseline: true }, () => {
    disposeAll(backend, s.old());
  });
  Deno.bench({ name: `${s.name}: direct`, group: s.name }, () => {
    disposeAll(backend, s.direct());
  });
}

globalThis.addEventListener("unload", () => {
  for (const s of all) tf.dispose(s.inputs);
});
