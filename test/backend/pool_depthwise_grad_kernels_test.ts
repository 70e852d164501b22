/**
 * The gradient kernels this library adds to the `wasm` backend for max pooling and depthwise
 * convolutions — `MaxPoolGrad` (first maximum of each window, as on `cpu`),
 * `DepthwiseConv2dNativeBackpropInput` and `DepthwiseConv2dNativeBackpropFilter` — agree with the
 * `cpu` backend on random (seeded) shapes, leak no tensor or wasm buffer (also when the XNNPACK
 * kernel underneath throws), and the stock `AvgPoolGrad` and the `Max`/`Min` reductions' gradients
 * agree with `cpu` at ties.
 */
import assert from "node:assert/strict";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { setBackend, tf } from "../../lib/mod.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";
import { maxPoolGradInto, poolGeometry } from "../../lib/backend/_kernels/max_pool_grad.ts";
import { depthwiseBackpropInputLoop } from "../../lib/backend/_kernels/depthwise_conv2d_backprop_input.ts";
import { assertKernelMatchesCpu, type ConvPad, uniformTensor } from "../_helpers/conv_kernels.ts";

/** One depthwise convolution: input `[batch, ...size, channels]`, filter `[k, k, channels, mult]`. */
interface DepthwiseCase {
  batch: number;
  size: [number, number];
  channels: number;
  mult: number;
  kernel: [number, number];
  stride: number;
  pad: ConvPad;
  dilation?: number;
}

function depthwiseCases(seed: number, count: number): DepthwiseCase[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const cases: DepthwiseCase[] = [
    // MobileNetV2-like layers, scaled down: stride-2 3×3 "same" on even sizes, stride 1.
    { batch: 1, size: [16, 16], channels: 16, mult: 1, kernel: [3, 3], stride: 2, pad: "same" },
    { batch: 2, size: [14, 14], channels: 24, mult: 1, kernel: [3, 3], stride: 1, pad: "same" },
    // Explicit pads, including ones larger than the filter (the padded dy is cropped).
    {
      batch: 2,
      size: [7, 6],
      channels: 3,
      mult: 2,
      kernel: [3, 3],
      stride: 1,
      pad: [[0, 0], [2, 0], [1, 2], [0, 0]],
    },
    {
      batch: 1,
      size: [6, 8],
      channels: 5,
      mult: 1,
      kernel: [3, 3],
      stride: 2,
      pad: [[0, 0], [3, 1], [0, 4], [0, 0]],
    },
    // Non-square filters and stride-2 "valid" windows that leave the last rows unused.
    { batch: 3, size: [9, 10], channels: 2, mult: 2, kernel: [3, 1], stride: 2, pad: "valid" },
    { batch: 1, size: [8, 5], channels: 7, mult: 1, kernel: [1, 5], stride: 2, pad: "same" },
  ];
  for (let i = 0; i < count; i++) {
    const k = pick([1, 3, 5] as const);
    cases.push({
      batch: int(1, 3),
      size: [int(k, 12), int(k, 12)],
      channels: int(1, 16),
      mult: int(1, 2),
      kernel: [k, k],
      stride: pick([1, 2]),
      pad: pick(["same", "valid"] as const),
    });
  }
  return cases;
}

const DEPTHWISE_CASES = depthwiseCases(20251201, 40);

function depthwiseGeometry(c: DepthwiseCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    [c.batch, ...c.size, c.channels],
    [...c.kernel, c.channels, c.mult],
    c.stride,
    c.dilation ?? 1,
    c.pad,
    undefined,
    true,
  );
}

Deno.test("DepthwiseConv2dNativeBackpropInput on wasm equals cpu for random shapes", async () => {
  for (const [i, c] of DEPTHWISE_CASES.entries()) {
    const info = depthwiseGeometry(c);
    const make = () => {
      const rand = mulberry32(1000 + i);
      return {
        dy: uniformTensor(rand, info.outShape),
        filter: uniformTensor(rand, [...c.kernel, c.channels, c.mult]),
      };
    };
    await assertKernelMatchesCpu(
      "DepthwiseConv2dNativeBackpropInput",
      make,
      {
        strides: [c.stride, c.stride],
        dilations: [1, 1],
        pad: c.pad,
        dimRoundingMode: undefined,
        inputShape: [c.batch, ...c.size, c.channels],
      },
      `DepthwiseConv2dNativeBackpropInput ${JSON.stringify(c)}`,
      1e-5,
    );
  }
});

Deno.test("DepthwiseConv2dNativeBackpropFilter on wasm equals cpu for random shapes", async () => {
  for (const [i, c] of DEPTHWISE_CASES.entries()) {
    const info = depthwiseGeometry(c);
    const make = () => {
      const rand = mulberry32(2000 + i);
      return {
        x: uniformTensor(rand, [c.batch, ...c.size, c.channels]),
        dy: uniformTensor(rand, info.outShape),
      };
    };
    await assertKernelMatchesCpu(
      "DepthwiseConv2dNativeBackpropFilter",
      make,
      {
        strides: [c.stride, c.stride],
        dilations: [1, 1],
        pad: c.pad,
        dimRoundingMode: undefined,
        filterShape: [...c.kernel, c.channels, c.mult],
      },
      `DepthwiseConv2dNativeBackpropFilter ${JSON.stringify(c)}`,
      1e-5,
    );
  }
});

Deno.test("the depthwise input gradient's heap loop (its fallback) equals the XNNPACK path", async () => {
  await setBackend("wasm");
  const cases: DepthwiseCase[] = [
    ...DEPTHWISE_CASES.slice(0, 12),
    // Strides and dilations both above 1: the loop is the only path (tfjs's gradient never asks).
    {
      batch: 2,
      size: [9, 8],
      channels: 3,
      mult: 2,
      kernel: [3, 3],
      stride: 2,
      pad: "same",
      dilation: 2,
    },
  ];
  for (const [i, c] of cases.entries()) {
    const info = tf.backend_util.computeConv2DInfo(
      [c.batch, ...c.size, c.channels],
      [...c.kernel, c.channels, c.mult],
      c.stride,
      c.dilation ?? 1,
      c.pad,
      undefined,
      true,
    );
    const rand = mulberry32(7000 + i);
    const dy = uniformTensor(rand, info.outShape);
    const filter = uniformTensor(rand, [...c.kernel, c.channels, c.mult]);
    const dx = tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter }, {
      strides: [c.stride, c.stride],
      dilations: [c.dilation ?? 1, c.dilation ?? 1],
      pad: c.pad,
      inputShape: info.inShape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const loop = new Float32Array(dx.size);
    depthwiseBackpropInputLoop(dy.dataSync(), filter.dataSync(), loop, info);
    const err = relativeMaxError(dx.dataSync(), loop);
    assert.ok(err <= 1e-5, `${JSON.stringify(c)}: relative error ${err}`);
    tf.dispose([dy, filter, dx]);
  }
});

Deno.test("DepthwiseConv2dNative's gradients run on wasm for numeric pads with dimRoundingMode", async () => {
  for (const dimRoundingMode of ["floor", "ceil", "round"] as const) {
    const inputShape = [2, 9, 8, 4] as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      [3, 3, 4, 2],
      2,
      1,
      1,
      dimRoundingMode,
      true,
    );
    const attrs = { strides: [2, 2], dilations: [1, 1], pad: 1, dimRoundingMode };
    await assertKernelMatchesCpu(
      "DepthwiseConv2dNativeBackpropInput",
      () => {
        const rand = mulberry32(7);
        return {
          dy: uniformTensor(rand, info.outShape),
          filter: uniformTensor(rand, [3, 3, 4, 2]),
        };
      },
      { ...attrs, inputShape },
      `input ${dimRoundingMode}`,
      1e-5,
    );
    await assertKernelMatchesCpu(
      "DepthwiseConv2dNativeBackpropFilter",
      () => {
        const rand = mulberry32(8);
        return { x: uniformTensor(rand, inputShape), dy: uniformTensor(rand, info.outShape) };
      },
      { ...attrs, filterShape: [3, 3, 4, 2] },
      `filter ${dimRoundingMode}`,
      1e-5,
    );
  }
});

/** `[k, k, c, m]` → `[d(k−1)+1, …]` with `d − 1` zero taps between the taps (a dilated filter). */
function expandFilter(w: Float32Array, [kh, kw, c, m]: number[], d: number): Float32Array {
  const [eh, ew] = [d * (kh - 1) + 1, d * (kw - 1) + 1];
  const out = new Float32Array(eh * ew * c * m);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      out.set(
        w.subarray((i * kw + j) * c * m, (i * kw + j + 1) * c * m),
        (i * d * ew + j * d) * c * m,
      );
    }
  }
  return out;
}

Deno.test("the depthwise gradient kernels on wasm honour dilations (as a zero-expanded filter on cpu)", async () => {
  // The cpu kernels ignore dilations, so the reference is cpu's kernel for the equivalent
  // undilated filter with zeros between the taps.
  const cases: DepthwiseCase[] = [
    {
      batch: 2,
      size: [9, 9],
      channels: 3,
      mult: 2,
      kernel: [3, 3],
      stride: 1,
      pad: "same",
      dilation: 2,
    },
    {
      batch: 1,
      size: [11, 8],
      channels: 5,
      mult: 1,
      kernel: [3, 2],
      stride: 1,
      pad: "valid",
      dilation: 3,
    },
  ];
  for (const [i, c] of cases.entries()) {
    const d = c.dilation!;
    const info = depthwiseGeometry(c);
    const fShape = [...c.kernel, c.channels, c.mult];
    const eShape = [d * (c.kernel[0] - 1) + 1, d * (c.kernel[1] - 1) + 1, c.channels, c.mult];
    const rand = mulberry32(3000 + i);
    const dyVals = uniformTensor(rand, info.outShape);
    const wVals = uniformTensor(rand, fShape);
    const xVals = uniformTensor(rand, [c.batch, ...c.size, c.channels]);
    const [dyA, wA, xA] = [dyVals, wVals, xVals].map((t) => t.dataSync() as Float32Array);
    tf.dispose([dyVals, wVals, xVals]);
    const common = { strides: [1, 1], pad: c.pad, dimRoundingMode: undefined };
    const kernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) => {
      const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
      const values = out.dataSync() as Float32Array;
      tf.dispose([out, ...Object.values(inputs)]);
      return values;
    };
    await setBackend("wasm");
    const dxWasm = kernel("DepthwiseConv2dNativeBackpropInput", {
      dy: tf.tensor(dyA, info.outShape),
      filter: tf.tensor(wA, fShape),
    }, { ...common, dilations: [d, d], inputShape: info.inShape });
    const dwWasm = kernel("DepthwiseConv2dNativeBackpropFilter", {
      x: tf.tensor(xA, info.inShape),
      dy: tf.tensor(dyA, info.outShape),
    }, { ...common, dilations: [d, d], filterShape: fShape });
    await setBackend("cpu");
    const dxCpu = kernel("DepthwiseConv2dNativeBackpropInput", {
      dy: tf.tensor(dyA, info.outShape),
      filter: tf.tensor(expandFilter(wA, fShape, d), eShape),
    }, { ...common, dilations: [1, 1], inputShape: info.inShape });
    const dwExpanded = kernel("DepthwiseConv2dNativeBackpropFilter", {
      x: tf.tensor(xA, info.inShape),
      dy: tf.tensor(dyA, info.outShape),
    }, { ...common, dilations: [1, 1], filterShape: eShape });
    await setBackend("wasm");
    // The expanded filter's gradient at the real taps is the dilated filter's gradient.
    const [kh, kw] = c.kernel;
    const cm = c.channels * c.mult;
    const dwCpu = new Float32Array(dwWasm.length);
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const s = (a * d * eShape[1] + b * d) * cm;
        dwCpu.set(dwExpanded.subarray(s, s + cm), (a * kw + b) * cm);
      }
    }
    assert.ok(relativeMaxError(dxWasm, dxCpu) <= 1e-5, `dx ${JSON.stringify(c)}`);
    assert.ok(relativeMaxError(dwWasm, dwCpu) <= 1e-5, `dw ${JSON.stringify(c)}`);
  }
});

Deno.test("DepthwiseConv2dNativeBackpropInput frees its intermediates when XNNPACK throws", async () => {
  await setBackend("wasm");
  const backend = tf.backend() as BackendWasm;
  const stock = tf.getKernel("DepthwiseConv2dNative", "wasm")!;
  tf.unregisterKernel("DepthwiseConv2dNative", "wasm");
  tf.registerKernel({
    ...stock,
    kernelFunc: () => {
      throw new Error("injected failure");
    },
  });
  try {
    const before = backend.numDataIds();
    // Stride 2 and multiplier 2: the zero-inserted dy and the grouped output are intermediates.
    const dy = tf.ones([1, 4, 4, 6]);
    const filter = tf.ones([3, 3, 3, 2]);
    assert.throws(
      () =>
        tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter }, {
          strides: [2, 2],
          dilations: [1, 1],
          pad: "same",
          inputShape: [1, 8, 8, 3],
        } as unknown as tf.NamedAttrMap),
      /injected failure/,
    );
    tf.dispose([dy, filter]);
    assert.equal(backend.numDataIds(), before, "leaked wasm buffers");
  } finally {
    tf.unregisterKernel("DepthwiseConv2dNative", "wasm");
    tf.registerKernel(stock);
  }
});

/** Values drawn to tie: zero and constant blocks, a few repeated levels, some random values. */
function tiedTensor(rand: () => number, shape: number[]): tf.Tensor {
  const [b, h, w, c] = shape;
  const values = new Float32Array(b * h * w * c);
  const levels = [0, 0, 0.5, 1, -1];
  let i = 0;
  for (let n = 0; n < b; n++) {
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        for (let d = 0; d < c; d++, i++) {
          if (r < h / 2 && col < w / 2) values[i] = 0; // a flat zero background
          else if (r >= h / 2 && col >= w / 2) values[i] = 0.25 * (d % 3); // constant per channel
          else if (rand() < 0.5) values[i] = levels[Math.floor(rand() * levels.length)];
          else values[i] = 2 * rand() - 1;
        }
      }
    }
  }
  return tf.tensor(values, shape);
}

interface PoolCase {
  batch: number;
  size: [number, number];
  channels: number;
  filter: [number, number];
  stride: [number, number];
  pad: "same" | "valid" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function poolCases(seed: number, count: number): PoolCase[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const cases: PoolCase[] = [
    // Keras defaults and MobileNet-style pools.
    { batch: 2, size: [8, 8], channels: 3, filter: [2, 2], stride: [2, 2], pad: "valid" },
    { batch: 1, size: [9, 9], channels: 4, filter: [3, 3], stride: [2, 2], pad: "same" },
    { batch: 1, size: [7, 6], channels: 2, filter: [3, 3], stride: [1, 1], pad: "same" },
    { batch: 1, size: [16, 16], channels: 64, filter: [3, 3], stride: [2, 2], pad: "same" },
    // Numeric pads with a rounding mode (square windows and strides only: for others TF.js 4.22
    // computes the output width from the window's height and stride, and the stock wasm max
    // pooling then writes past its output).
    {
      batch: 2,
      size: [7, 8],
      channels: 5,
      filter: [3, 3],
      stride: [2, 2],
      pad: 1,
      dimRoundingMode: "ceil",
    },
    {
      batch: 1,
      size: [6, 9],
      channels: 1,
      filter: [2, 2],
      stride: [2, 2],
      pad: 1,
      dimRoundingMode: "floor",
    },
  ];
  for (let i = 0; i < count; i++) {
    const fh = int(1, 5);
    const fw = int(1, 5);
    cases.push({
      batch: int(1, 3),
      size: [int(fh, 12), int(fw, 12)],
      channels: int(1, 16),
      filter: [fh, fw],
      stride: [int(1, 3), int(1, 3)],
      pad: pick(["same", "valid"] as const),
    });
  }
  return cases;
}

const POOL_CASES = poolCases(20251202, 40);

Deno.test("MaxPoolGrad on wasm equals cpu on tie-heavy inputs (first maximum of each window)", async () => {
  for (const [i, c] of POOL_CASES.entries()) {
    const attrs = {
      filterSize: c.filter,
      strides: c.stride,
      pad: c.pad,
      dimRoundingMode: c.dimRoundingMode,
    };
    const make = () => {
      const rand = mulberry32(4000 + i);
      const input = tiedTensor(rand, [c.batch, ...c.size, c.channels]);
      const output = tf.maxPool(input as tf.Tensor4D, c.filter, c.stride, c.pad, c.dimRoundingMode);
      return { dy: uniformTensor(rand, output.shape), input, output };
    };
    await assertKernelMatchesCpu(
      "MaxPoolGrad",
      make,
      attrs,
      `MaxPoolGrad ${JSON.stringify(c)}`,
      1e-6,
    );
  }
});

Deno.test("the TypeScript MaxPoolGrad loop (the fallback without wasm SIMD) equals the SIMD kernel", async () => {
  await setBackend("wasm");
  for (const [i, c] of POOL_CASES.entries()) {
    const attrs = {
      filterSize: c.filter,
      strides: c.stride,
      pad: c.pad,
      dimRoundingMode: c.dimRoundingMode,
    };
    const rand = mulberry32(6000 + i);
    const input = tiedTensor(rand, [c.batch, ...c.size, c.channels]);
    const g = poolGeometry(input.shape, attrs as tf.MaxPoolGradAttrs);
    const dy = uniformTensor(rand, [c.batch, g.outHeight, g.outWidth, c.channels]);
    const kernel = tf.engine().runKernel(
      "MaxPoolGrad",
      { dy, input, output: dy },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor;
    const loop = new Float32Array(input.size);
    maxPoolGradInto(input.dataSync(), dy.dataSync(), loop, g);
    assert.deepEqual(loop, kernel.dataSync(), `case ${JSON.stringify(c)}`);
    tf.dispose([input, dy, kernel]);
  }
});

Deno.test("MaxPoolGrad on wasm: NaN never wins and an all −∞ window passes nothing, as on cpu", async () => {
  const values = [
    NaN,
    3,
    -Infinity,
    -Infinity,
    3,
    NaN,
    -Infinity,
    -Infinity,
    1,
    2,
    NaN,
    NaN,
    2,
    1,
    NaN,
    5,
  ];
  const make = () => {
    const input = tf.tensor4d(values, [1, 4, 4, 1]);
    return {
      dy: tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]),
      input,
      output: tf.zeros([1, 2, 2, 1]),
    };
  };
  const attrs = { filterSize: [2, 2], strides: [2, 2], pad: "valid" };
  await assertKernelMatchesCpu("MaxPoolGrad", make, attrs, "MaxPoolGrad NaN/−∞", 0);
  const inputs = make();
  const dx = tf.engine().runKernel("MaxPoolGrad", inputs, attrs as unknown as tf.NamedAttrMap);
  assert.deepEqual(
    Array.from((dx as tf.Tensor).dataSync()),
    [0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 4],
  );
  tf.dispose([dx as tf.Tensor, ...Object.values(inputs)]);
});

/** A 5-D tensor of tie-heavy values: a zero half, a constant corner, repeated levels. */
function tiedVolume(rand: () => number, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  const levels = [0, 0.5, 1, -1];
  for (let i = 0; i < n; i++) {
    const u = rand();
    values[i] = i % 7 < 3
      ? 0
      : u < 0.4
      ? levels[Math.floor(rand() * levels.length)]
      : 2 * rand() - 1;
  }
  return tf.tensor(values, shape);
}

Deno.test("MaxPool3DGrad on wasm equals cpu on tie-heavy inputs (last maximum, as cpu)", async () => {
  const rand = mulberry32(20251203);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const cases = [
    { shape: [2, 4, 4, 4, 3], filter: [2, 2, 2], stride: [2, 2, 2], pad: "valid" },
    { shape: [1, 5, 6, 5, 2], filter: [3, 3, 3], stride: [2, 2, 2], pad: "same" },
    { shape: [1, 5, 6, 5, 5], filter: [3, 3, 3], stride: [1, 1, 1], pad: "same" },
  ];
  for (let i = 0; i < 12; i++) {
    const k = int(1, 3);
    // Equal window height and width: for others cpu routes to the wrong cell (see below).
    const fd = int(1, 3);
    cases.push({
      shape: [int(1, 2), int(fd, 6), int(k, 6), int(k, 6), int(1, 9)],
      filter: [fd, k, k],
      stride: [int(1, 2), int(1, 2), int(1, 2)],
      pad: rand() < 0.5 ? "same" : "valid",
    });
  }
  for (const [i, c] of cases.entries()) {
    const make = () => {
      const r = mulberry32(8000 + i);
      const input = tiedVolume(r, c.shape);
      const output = tf.maxPool3d(
        input as tf.Tensor5D,
        c.filter as [number, number, number],
        c.stride as [number, number, number],
        c.pad as "same",
      );
      return { dy: uniformTensor(r, output.shape), input, output };
    };
    await assertKernelMatchesCpu(
      "MaxPool3DGrad",
      make,
      {
        filterSize: c.filter,
        strides: c.stride,
        pad: c.pad,
      },
      `MaxPool3DGrad ${JSON.stringify(c)}`,
      1e-6,
    );
  }
});

Deno.test("MaxPool3DGrad on wasm routes to the last maximum for non-square windows too", async () => {
  // cpu (TF.js 4.22) encodes a window position with the window's height as its row stride, so
  // it routes wrongly when height ≠ width; the reference here is the rule itself.
  await setBackend("wasm");
  const [n, d, h, w, c] = [1, 3, 4, 5, 2];
  const rand = mulberry32(9000);
  const input = tiedVolume(rand, [n, d, h, w, c]);
  const filter: [number, number, number] = [2, 2, 3];
  const strides: [number, number, number] = [1, 2, 1];
  const output = tf.maxPool3d(input as tf.Tensor5D, filter, strides, "valid");
  const dy = uniformTensor(rand, output.shape);
  const dx = tf.engine().runKernel("MaxPool3DGrad", { dy, input, output }, {
    filterSize: filter,
    strides,
    pad: "valid",
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const xs = input.dataSync();
  const g = dy.dataSync();
  const want = new Float32Array(xs.length);
  const [, od, oh, ow] = output.shape;
  const at = (z: number, y: number, x: number, ch: number) => ((z * h + y) * w + x) * c + ch;
  for (let z = 0; z < od; z++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let pos = -1;
          for (let a = 0; a < filter[0]; a++) {
            for (let b = 0; b < filter[1]; b++) {
              for (let e = 0; e < filter[2]; e++) {
                const p = at(z * strides[0] + a, y * strides[1] + b, x * strides[2] + e, ch);
                if (xs[p] >= best) [best, pos] = [xs[p], p];
              }
            }
          }
          want[pos] += g[((z * oh + y) * ow + x) * c + ch];
        }
      }
    }
  }
  assert.deepEqual(dx.dataSync(), want);
  tf.dispose([input, output, dy, dx]);
});

Deno.test("the stock AvgPoolGrad on wasm equals cpu on tie-heavy inputs", async () => {
  for (const [i, c] of POOL_CASES.entries()) {
    if (typeof c.pad === "number") continue; // the avgPool op takes no rounding mode here
    const make = () => {
      const rand = mulberry32(5000 + i);
      const input = tiedTensor(rand, [c.batch, ...c.size, c.channels]);
      const output = tf.avgPool(input as tf.Tensor4D, c.filter, c.stride, c.pad);
      const dy = uniformTensor(rand, output.shape);
      output.dispose();
      return { dy, input };
    };
    await assertKernelMatchesCpu(
      "AvgPoolGrad",
      make,
      {
        filterSize: c.filter,
        strides: c.stride,
        pad: c.pad,
      },
      `AvgPoolGrad ${JSON.stringify(c)}`,
      1e-6,
    );
  }
});

Deno.test("Max and Min reductions' gradients on wasm equal cpu at ties (the equality mask)", async () => {
  const gradients = () => {
    const x = tf.tensor4d(
      [0, 0, 1, 1, 0, 0, 1, 1, -2, 3, 3, -2, 0.5, 0.5, 0.5, 0.5],
      [2, 2, 2, 2],
    );
    const w = tf.tensor2d([1, -2, 3, 0.5], [2, 2]);
    const gMax = tf.grad((t: tf.Tensor) => tf.max(t, [1, 2]).mul(w).sum())(x);
    const gMin = tf.grad((t: tf.Tensor) => tf.min(t, [1, 2]).mul(w).sum())(x);
    const gAll = tf.grad((t: tf.Tensor) => tf.max(t))(x);
    const out = [gMax, gMin, gAll].map((g) => Array.from(g.dataSync()));
    tf.dispose([x, w, gMax, gMin, gAll]);
    return out;
  };
  await setBackend("wasm");
  const onWasm = gradients();
  await setBackend("cpu");
  const onCpu = gradients();
  await setBackend("wasm");
  assert.deepEqual(onWasm, onCpu);
  // Every tied maximum gets the whole gradient (TF.js's mask), on both backends.
  assert.deepEqual(onWasm[2], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
});
