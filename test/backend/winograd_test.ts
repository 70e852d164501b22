/**
 * The Winograd F(2×2, 3×3) and F(4×4, 3×3) convolutions behind `FusedConv2D`, `Conv2D` and `Conv2DBackpropInput` on
 * the `wasm` backend agree with the `cpu` backend on random (seeded) shapes, fall back where not
 * eligible, leak no backend memory and follow filter changes.
 */
import assert from "node:assert/strict";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { setBackend, tf } from "../../lib/mod.ts";
import { winogradConv2d } from "../../lib/backend/_kernels/winograd/winograd_conv2d.ts";
import { WINOGRAD_RELAXED_WASM_BASE64 } from "../../lib/backend/_kernels/_generated/winograd_relaxed_wasm.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";
import {
  assertConv2DBackpropInputMatchesCpu,
  assertConv2DMatchesCpu,
  assertFusedConv2DMatchesCpu,
  type ConvCase,
  uniformTensor,
} from "../_helpers/conv_kernels.ts";

function cases(seed: number, count: number): ConvCase[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const out: ConvCase[] = [
    // The tutorial CNN's second layer, and its input gradient's shape.
    { batch: 1, size: [28, 28], inC: 32, outC: 16, pad: "same", bias: true, relu: true },
    { batch: 2, size: [28, 28], inC: 16, outC: 32, pad: "same", bias: false, relu: false },
    // Asymmetric explicit padding up to 2, odd sizes (partial tiles).
    {
      batch: 2,
      size: [5, 7],
      inC: 8,
      outC: 12,
      pad: [[0, 0], [2, 0], [1, 2], [0, 0]],
      bias: true,
      relu: false,
    },
    { batch: 3, size: [1, 1], inC: 12, outC: 8, pad: "same", bias: true, relu: true },
    { batch: 1, size: [2, 3], inC: 8, outC: 8, pad: "same", bias: false, relu: true },
  ];
  const sizes: [number, number][] = [[28, 28], [5, 7], [1, 1], [2, 3], [9, 4], [6, 6]];
  const channels = [4, 6, 8, 12, 16, 20, 32];
  while (out.length < count) {
    const size = pick(sizes);
    const pad = pick(["same", "valid"] as const);
    if (pad === "valid" && (size[0] < 3 || size[1] < 3)) continue;
    out.push({
      batch: 1 + Math.floor(rand() * 3),
      size,
      inC: pick(channels),
      outC: pick(channels),
      pad,
      bias: rand() < 0.5,
      relu: rand() < 0.5,
    });
  }
  return out;
}

const CASES = cases(7, 18);

Deno.test("FusedConv2D on wasm (Winograd for 3x3 stride 1) equals cpu for random shapes", () =>
  assertFusedConv2DMatchesCpu(CASES));

Deno.test("Conv2D on wasm (Winograd for 3x3 stride 1) equals cpu for random shapes", () =>
  assertConv2DMatchesCpu(CASES.slice(0, 8)));

Deno.test("Conv2DBackpropInput on wasm (Winograd for 3x3 stride 1) equals cpu for random shapes", () =>
  assertConv2DBackpropInputMatchesCpu(CASES));

Deno.test("winogradConv2d() takes eligible shapes and declines the others", async () => {
  await setBackend("wasm");
  const backend = tf.backend() as BackendWasm;
  const rand = mulberry32(5);
  const x8 = uniformTensor(rand, [1, 5, 5, 8]);
  const x6 = uniformTensor(rand, [1, 5, 5, 6]);
  const f88 = uniformTensor(rand, [3, 3, 8, 8]);
  const f66 = uniformTensor(rand, [3, 3, 6, 6]);
  const f55 = uniformTensor(rand, [5, 5, 8, 8]);
  const y = winogradConv2d(backend, x8, f88, null, [1, 1, 1, 1], false);
  assert.ok(y !== null, "8→8 channels, 3x3, same padding is eligible");
  assert.deepEqual(y.shape, [1, 5, 5, 8]);
  backend.disposeData(y.dataId);
  assert.equal(winogradConv2d(backend, x6, f66, null, [1, 1, 1, 1], false), null, "6 channels");
  assert.equal(winogradConv2d(backend, x8, f55, null, [2, 2, 2, 2], false), null, "5x5 filter");
  assert.equal(winogradConv2d(backend, x8, f88, null, [3, 0, 0, 0], false), null, "pad 3");
  assert.equal(
    winogradConv2d(backend, x8, f88, null, [1, 1, 1, 1], false, { minChannelProduct: 65 }),
    null,
    "below minChannelProduct",
  );
  const x1 = uniformTensor(rand, [1, 1, 1, 8]);
  assert.equal(winogradConv2d(backend, x1, f88, null, [1, 1, 1, 1], false), null, "one tile");
  tf.dispose([x8, x6, f88, f66, f55, x1]);
});

Deno.test("winogradConv2d() on tiny images equals tf.conv2d when forced", async () => {
  await setBackend("wasm");
  const backend = tf.backend() as BackendWasm;
  const rand = mulberry32(11);
  for (const [n, h, w, ci, co] of [[1, 1, 1, 4, 4], [2, 2, 3, 4, 8], [1, 3, 1, 8, 4]]) {
    const x = uniformTensor(rand, [n, h, w, ci]) as tf.Tensor4D;
    const f = uniformTensor(rand, [3, 3, ci, co]) as tf.Tensor4D;
    const b = uniformTensor(rand, [co]);
    // The reference runs on XNNPACK: these channel counts are below the default minimum.
    const info = winogradConv2d(backend, x, f, b, [1, 1, 1, 1], true, {
      minChannelProduct: 0,
      minTiles: 0,
    });
    assert.ok(info !== null, `${[n, h, w, ci, co]} is eligible when forced`);
    const y = tf.engine().makeTensorFromTensorInfo(info);
    const expected = tf.tidy(() => tf.relu(tf.add(tf.conv2d(x, f, 1, "same"), b)));
    assert.ok(relativeMaxError(y, expected) <= 1e-5, `${[n, h, w, ci, co]}`);
    tf.dispose([x, f, b, y, expected]);
  }
});

Deno.test("FusedConv2D on wasm follows a new filter tensor (no stale filter transform)", async () => {
  await setBackend("wasm");
  const rand = mulberry32(9);
  const x = uniformTensor(rand, [1, 7, 7, 8]) as tf.Tensor4D;
  const conv = (f: tf.Tensor4D) => tf.fused.conv2d({ x, filter: f, strides: 1, pad: "same" });
  const fA = uniformTensor(rand, [3, 3, 8, 8]) as tf.Tensor4D;
  const yA = conv(fA);
  fA.dispose();
  const fB = uniformTensor(rand, [3, 3, 8, 8]) as tf.Tensor4D;
  const yB = conv(fB);
  const expectedB = tf.tidy(() => {
    // The same convolution as a sum of 9 shifted 1×1 products, which Winograd never runs.
    const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    let sum = tf.zeros([1, 7, 7, 8]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const patch = tf.slice(padded, [0, i, j, 0], [1, 7, 7, 8]).reshape([49, 8]);
        const w = tf.slice(fB, [i, j, 0, 0], [1, 1, 8, 8]).reshape([8, 8]);
        sum = sum.add(tf.matMul(patch, w).reshape([1, 7, 7, 8]));
      }
    }
    return sum;
  });
  assert.ok(relativeMaxError(yA, yB) > 0.1, "a new filter changes the result");
  assert.ok(relativeMaxError(yB, expectedB) <= 1e-5, "the result is the new filter's");
  tf.dispose([x, fB, yA, yB, expectedB]);
});

Deno.test("winogradConv2d() F(2x2) and F(4x4), relaxed-SIMD and plain SIMD128 builds, equal cpu", async () => {
  const bytes = Uint8Array.from(atob(WINOGRAD_RELAXED_WASM_BASE64), (c) => c.charCodeAt(0));
  assert.ok(WebAssembly.validate(bytes), "Deno compiles the relaxed-SIMD build (the fast path)");
  const rand = mulberry32(13);
  // [batch, height, width, inC, outC, flipped, input magnitude]: the tutorial's shapes, partial
  // tiles, a single pixel, inputs up to ±100.
  const shapes = [
    [2, 28, 28, 32, 16, false, 1],
    [2, 28, 28, 16, 32, true, 1],
    [1, 28, 28, 32, 16, false, 100],
    [2, 5, 7, 8, 12, false, 1],
    [3, 9, 4, 20, 12, true, 10],
    [1, 1, 1, 8, 8, false, 1],
    [1, 6, 6, 4, 4, false, 1],
  ] as const;
  for (const [n, h, w, ci, co, flipped, scale] of shapes) {
    const x = uniformTensor(rand, [n, h, w, ci]).mul(scale) as tf.Tensor4D;
    const f = uniformTensor(rand, [3, 3, flipped ? co : ci, flipped ? ci : co]) as tf.Tensor4D;
    const b = uniformTensor(rand, [co]);
    await setBackend("cpu");
    const expected = tf.tidy(() => {
      const filter = flipped ? tf.reverse(tf.transpose(f, [0, 1, 3, 2]), [0, 1]) : f;
      return tf.relu(tf.add(tf.conv2d(x, filter as tf.Tensor4D, 1, "same"), b));
    });
    const want = expected.dataSync() as Float32Array;
    expected.dispose();
    await setBackend("wasm");
    const backend = tf.backend() as BackendWasm;
    for (const tile of [2, 4] as const) {
      for (const relaxedSimd of [true, false]) {
        const label = `${[n, h, w, ci, co, flipped, scale]} F(${tile}x${tile}) ` +
          (relaxedSimd ? "relaxed" : "plain");
        const info = winogradConv2d(backend, x, f, b, [1, 1, 1, 1], true, {
          flipped,
          relaxedSimd,
          tile,
          minChannelProduct: 0,
          minTiles: 0,
        });
        assert.ok(info !== null, `${label}: eligible when forced`);
        const y = tf.engine().makeTensorFromTensorInfo(info);
        const err = relativeMaxError(y.dataSync() as Float32Array, want);
        y.dispose();
        assert.ok(err <= 1e-5, `${label}: relative error ${err} > 1e-5`);
      }
    }
    tf.dispose([x, f, b]);
  }
});

Deno.test("winogradConv2d() leaves output pixels with an all-zero 3x3 input window exactly at the bias", async () => {
  // A sparse input (e.g. the gradient of one neuron): a direct convolution gives exactly the bias
  // outside the nonzero pixel's 3x3 neighbourhood, and so must Winograd (no rounding noise).
  await setBackend("wasm");
  const backend = tf.backend() as BackendWasm;
  const rand = mulberry32(17);
  const [h, w, ci, co] = [28, 28, 16, 32];
  const values = new Float32Array(h * w * ci);
  for (let c = 0; c < ci; c++) values[(15 * w + 15) * ci + c] = 2 * rand() - 1;
  const x = tf.tensor4d(values, [1, h, w, ci]);
  const f = uniformTensor(rand, [3, 3, ci, co]) as tf.Tensor4D;
  const b = uniformTensor(rand, [co]);
  const bias = b.dataSync();
  for (const tile of [2, 4] as const) {
    const info = winogradConv2d(backend, x, f, b, [1, 1, 1, 1], false, { tile });
    assert.ok(info !== null);
    const y = tf.engine().makeTensorFromTensorInfo(info);
    const out = y.dataSync();
    y.dispose();
    let checked = 0;
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        if (Math.abs(r - 15) <= 1 && Math.abs(col - 15) <= 1) continue;
        for (let c = 0; c < co; c++) {
          const got = out[(r * w + col) * co + c];
          assert.equal(got, bias[c], `F(${tile}x${tile}) pixel ${[r, col, c]}: ${got} ≠ bias`);
          checked++;
        }
      }
    }
    assert.equal(checked, (h * w - 9) * co);
  }
  tf.dispose([x, f, b]);
});
