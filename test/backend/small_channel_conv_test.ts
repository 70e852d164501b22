/**
 * The direct SIMD convolutions for few channels behind `FusedConv2D`, `Conv2D` (1–4 input
 * channels) and `Conv2DBackpropInput` (its input gradient: 1–4 output channels of the gradient's
 * convolution) on the `wasm` backend agree with the `cpu` backend on random (seeded) shapes,
 * decline ineligible shapes, leak no backend memory and follow filter changes.
 */
import assert from "node:assert/strict";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { setBackend, tf } from "../../lib/mod.ts";
import {
  fewInChannelsConv2d,
  fewInChannelsConv2dBackpropInput,
} from "../../lib/backend/_kernels/direct_conv/direct_conv2d.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";
import {
  assertConv2DBackpropInputMatchesCpu,
  assertConv2DMatchesCpu,
  assertFusedConv2DMatchesCpu,
  assertKernelMatchesCpu,
  type ConvCase,
  uniformTensor,
} from "../_helpers/conv_kernels.ts";

function cases(seed: number, count: number): ConvCase[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const out: ConvCase[] = [
    // The tutorial CNN's first layer (its input gradient has the same shape).
    {
      batch: 1,
      size: [28, 28],
      kernel: [3, 3],
      inC: 1,
      outC: 32,
      pad: "same",
      bias: true,
      relu: true,
    },
    // An RGB first layer, batch 2.
    {
      batch: 2,
      size: [28, 28],
      kernel: [3, 3],
      inC: 3,
      outC: 16,
      pad: "same",
      bias: true,
      relu: false,
    },
    // Asymmetric explicit padding up to k − 1, odd sizes.
    {
      batch: 2,
      size: [5, 7],
      kernel: [3, 3],
      inC: 2,
      outC: 12,
      pad: [[0, 0], [2, 0], [1, 2], [0, 0]],
      bias: true,
      relu: true,
    },
    // One pixel: every output column is a border column.
    {
      batch: 3,
      size: [1, 1],
      kernel: [3, 3],
      inC: 4,
      outC: 8,
      pad: "same",
      bias: true,
      relu: true,
    },
    // A 7×7 filter larger than the image.
    {
      batch: 1,
      size: [5, 7],
      kernel: [7, 7],
      inC: 1,
      outC: 4,
      pad: "same",
      bias: false,
      relu: false,
    },
    // Non-square filters.
    {
      batch: 2,
      size: [9, 6],
      kernel: [2, 5],
      inC: 3,
      outC: 20,
      pad: "same",
      bias: true,
      relu: false,
    },
  ];
  const sizes: [number, number][] = [[28, 28], [5, 7], [1, 1], [2, 3], [9, 4], [6, 6], [13, 11]];
  const kernels: [number, number][] = [[1, 1], [3, 3], [3, 3], [5, 5], [2, 2], [3, 1], [7, 7]];
  const outChannels = [4, 8, 12, 16, 20, 32, 36];
  while (out.length < count) {
    const size = pick(sizes);
    const kernel = pick(kernels);
    const pad = pick(["same", "valid"] as const);
    if (pad === "valid" && (size[0] < kernel[0] || size[1] < kernel[1])) continue;
    out.push({
      batch: 1 + Math.floor(rand() * 3),
      size,
      kernel,
      inC: 1 + Math.floor(rand() * 4),
      outC: pick(outChannels),
      pad,
      bias: rand() < 0.5,
      relu: rand() < 0.5,
    });
  }
  return out;
}

const CASES = cases(13, 30);

Deno.test("FusedConv2D on wasm (direct for 1-4 input channels) equals cpu for random shapes", () =>
  assertFusedConv2DMatchesCpu(CASES));

Deno.test("Conv2D on wasm (direct for 1-4 input channels) equals cpu for random shapes", () =>
  assertConv2DMatchesCpu(CASES.slice(0, 12)));

Deno.test("Conv2DBackpropInput on wasm (direct for 1-4 input channels) equals cpu for random shapes", () =>
  assertConv2DBackpropInputMatchesCpu(CASES));

Deno.test("Strided few-channel convolutions fall back and still equal cpu", async () => {
  const c: ConvCase = {
    batch: 2,
    size: [9, 8],
    kernel: [3, 3],
    inC: 1,
    outC: 8,
    pad: "same",
    bias: true,
    relu: true,
  };
  const inputShape = [c.batch, ...c.size, c.inC] as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, [3, 3, 1, 8], [2, 2], 1, "same");
  await assertKernelMatchesCpu("FusedConv2D", () => {
    const rand = mulberry32(400);
    return {
      x: uniformTensor(rand, inputShape),
      filter: uniformTensor(rand, [3, 3, 1, 8]),
      bias: uniformTensor(rand, [8]),
    };
  }, {
    strides: [2, 2],
    pad: "same",
    dataFormat: "NHWC",
    dilations: [1, 1],
    dimRoundingMode: undefined,
    activation: "relu",
  }, `FusedConv2D strided ${JSON.stringify(c)}`);
  await assertKernelMatchesCpu("Conv2DBackpropInput", () => {
    const rand = mulberry32(401);
    return {
      dy: uniformTensor(rand, [2, info.outHeight, info.outWidth, 8]),
      filter: uniformTensor(rand, [3, 3, 1, 8]),
    };
  }, {
    strides: [2, 2],
    pad: "same",
    dataFormat: "NHWC",
    dimRoundingMode: undefined,
    inputShape,
  }, `Conv2DBackpropInput strided ${JSON.stringify(c)}`);
});

Deno.test("fewInChannelsConv2d() and its input gradient take eligible shapes and decline the others", async () => {
  await setBackend("wasm");
  const backend = tf.backend() as BackendWasm;
  const rand = mulberry32(5);
  const x1 = uniformTensor(rand, [1, 6, 6, 1]);
  const x5 = uniformTensor(rand, [1, 6, 6, 5]);
  const f1 = uniformTensor(rand, [3, 3, 1, 8]);
  const f1x6 = uniformTensor(rand, [3, 3, 1, 6]);
  const f5 = uniformTensor(rand, [3, 3, 5, 8]);
  const f9 = uniformTensor(rand, [9, 9, 1, 8]);
  const dy = uniformTensor(rand, [1, 6, 6, 8]);
  const int = tf.zeros([1, 6, 6, 1], "int32");
  const same: [number, number, number, number] = [1, 1, 1, 1];
  const y = fewInChannelsConv2d(backend, x1, f1, null, same, false);
  assert.ok(y !== null, "1 → 8 channels, 3x3, same padding is eligible");
  assert.deepEqual(y.shape, [1, 6, 6, 8]);
  backend.disposeData(y.dataId);
  const dx = fewInChannelsConv2dBackpropInput(backend, dy, f1, same);
  assert.ok(dx !== null, "its input gradient is eligible");
  assert.deepEqual(dx.shape, [1, 6, 6, 1]);
  backend.disposeData(dx.dataId);
  const declined = (what: string, out: tf.TensorInfo | null) => assert.equal(out, null, what);
  declined("5 input channels", fewInChannelsConv2d(backend, x5, f5, null, same, false));
  declined("6 output channels", fewInChannelsConv2d(backend, x1, f1x6, null, same, false));
  declined("9x9 filter", fewInChannelsConv2d(backend, x1, f9, null, [4, 4, 4, 4], false));
  declined("pad 3 for 3x3", fewInChannelsConv2d(backend, x1, f1, null, [3, 0, 0, 0], false));
  declined("int32 input", fewInChannelsConv2d(backend, int, f1, null, same, false));
  declined("gradient, 5 channels", fewInChannelsConv2dBackpropInput(backend, dy, f5, same));
  declined("gradient, pad 3", fewInChannelsConv2dBackpropInput(backend, dy, f1, [0, 3, 1, 1]));
  tf.dispose([x1, x5, f1, f1x6, f5, f9, dy, int]);
});

Deno.test("Few-channel convolutions on wasm follow a new filter tensor (no stale filter layout)", async () => {
  await setBackend("wasm");
  const rand = mulberry32(9);
  const x = uniformTensor(rand, [1, 7, 7, 1]) as tf.Tensor4D;
  const dy = uniformTensor(rand, [1, 7, 7, 8]) as tf.Tensor4D;
  const conv = (f: tf.Tensor4D) => tf.fused.conv2d({ x, filter: f, strides: 1, pad: "same" });
  const grad = (f: tf.Tensor4D) => tf.conv2dTranspose(dy, f, [1, 7, 7, 1], 1, "same");
  const fA = uniformTensor(rand, [3, 3, 1, 8]) as tf.Tensor4D;
  const yA = conv(fA);
  const dxA = grad(fA);
  fA.dispose();
  const fB = uniformTensor(rand, [3, 3, 1, 8]) as tf.Tensor4D;
  const yB = conv(fB);
  const dxB = grad(fB);
  // References as sums of shifted 1×1 products, which the direct kernels never run.
  const [expectedY, expectedDx] = tf.tidy(() => {
    const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    let y = tf.zeros([1, 7, 7, 8]);
    let dx = tf.zeros([1, 9, 9, 1]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const patch = tf.slice(padded, [0, i, j, 0], [1, 7, 7, 1]).reshape([49, 1]);
        const w = tf.slice(fB, [i, j, 0, 0], [1, 1, 1, 8]).reshape([1, 8]);
        y = y.add(tf.matMul(patch, w).reshape([1, 7, 7, 8]));
        const contribution = tf.matMul(dy.reshape([49, 8]), w, false, true).reshape([1, 7, 7, 1]);
        dx = dx.add(tf.pad(contribution, [[0, 0], [i, 2 - i], [j, 2 - j], [0, 0]]));
      }
    }
    return [y, tf.slice(dx, [0, 1, 1, 0], [1, 7, 7, 1])];
  });
  assert.ok(relativeMaxError(yA, yB) > 0.1, "a new filter changes the forward result");
  assert.ok(relativeMaxError(dxA, dxB) > 0.1, "a new filter changes the input gradient");
  assert.ok(relativeMaxError(yB, expectedY) <= 1e-5, "the forward result is the new filter's");
  assert.ok(relativeMaxError(dxB, expectedDx) <= 1e-5, "the input gradient is the new filter's");
  tf.dispose([x, dy, fB, yA, yB, dxA, dxB, expectedY, expectedDx]);
});
