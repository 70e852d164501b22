/**
 * The filter gradients behind `Conv2DBackpropFilter` for stride-1 convolutions on the `wasm`
 * backend (direct for 1–4 input channels, Winograd F(3×3, 2×2) for 3×3 filters) agree with the
 * `cpu` backend at the tutorial CNN's full batch and on odd shapes and paddings, in both builds
 * (relaxed and plain SIMD), and decline what they do not cover.
 */
import assert from "node:assert/strict";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { setBackend, tf } from "../../lib/mod.ts";
import {
  fewInChannelsFilterGrad,
  winogradFilterGrad,
} from "../../lib/backend/_kernels/conv_filter_grad/conv2d_filter_grad.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";

interface Case {
  batch: number;
  size: [number, number];
  inC: number;
  outC: number;
  k: number;
  pads: [number, number, number, number];
}

function randomArray(rand: () => number, shape: number[]): Float32Array {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = 2 * rand() - 1;
  return values;
}

/** dW on the cpu backend (the reference), from the same values. */
async function cpuFilterGrad(
  x: Float32Array,
  dy: Float32Array,
  c: Case,
  dyShape: number[],
): Promise<Float32Array> {
  await setBackend("cpu");
  const [top, bottom, left, right] = c.pads;
  const xt = tf.tensor4d(x, [c.batch, ...c.size, c.inC]);
  const dyt = tf.tensor(dy, dyShape);
  const dw = tf.engine().runKernel("Conv2DBackpropFilter", { x: xt, dy: dyt }, {
    strides: [1, 1],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: "NHWC",
    filterShape: [c.k, c.k, c.inC, c.outC],
  }) as tf.Tensor;
  const values = dw.dataSync() as Float32Array;
  tf.dispose([xt, dyt, dw]);
  return values;
}

type FilterGrad = typeof winogradFilterGrad;

async function assertMatchesCpu(fn: FilterGrad, c: Case, tolerance: number): Promise<void> {
  const rand = mulberry32(c.batch * 1000 + c.inC * 37 + c.outC);
  const [top, bottom, left, right] = c.pads;
  const dyShape = [
    c.batch,
    c.size[0] + top + bottom - c.k + 1,
    c.size[1] + left + right - c.k + 1,
    c.outC,
  ];
  const x = randomArray(rand, [c.batch, ...c.size, c.inC]);
  const dy = randomArray(rand, dyShape);
  const expected = await cpuFilterGrad(x, dy, c, dyShape);
  await setBackend("wasm");
  const backend = tf.backend() as BackendWasm;
  const xt = tf.tensor4d(x, [c.batch, ...c.size, c.inC]);
  const dyt = tf.tensor(dy, dyShape);
  for (const relaxedSimd of [true, false]) {
    const before = backend.numDataIds();
    const dw = fn(backend, xt, dyt, [c.k, c.k, c.inC, c.outC], c.pads, { relaxedSimd });
    assert.ok(dw !== null, `${JSON.stringify(c)} is eligible`);
    assert.deepEqual(dw.shape, [c.k, c.k, c.inC, c.outC]);
    const actual = backend.readSync(dw.dataId) as Float32Array;
    backend.disposeData(dw.dataId);
    assert.equal(backend.numDataIds(), before, "no buffer leaked");
    const error = relativeMaxError(actual, expected);
    assert.ok(
      error < tolerance,
      `${JSON.stringify(c)} relaxed ${relaxedSimd}: relative error ${error}`,
    );
  }
  tf.dispose([xt, dyt]);
}

Deno.test("winogradFilterGrad() equals cpu on the tutorial's conv2 at batch 64 and odd shapes", async () => {
  const cases: Case[] = [
    { batch: 64, size: [28, 28], inC: 32, outC: 16, k: 3, pads: [1, 1, 1, 1] },
    { batch: 2, size: [28, 28], inC: 16, outC: 32, k: 3, pads: [1, 1, 1, 1] },
    { batch: 3, size: [7, 9], inC: 8, outC: 12, k: 3, pads: [0, 0, 0, 0] },
    { batch: 1, size: [5, 6], inC: 4, outC: 4, k: 3, pads: [2, 0, 1, 2] },
    { batch: 2, size: [6, 6], inC: 12, outC: 20, k: 3, pads: [1, 1, 1, 1] },
  ];
  for (const c of cases) await assertMatchesCpu(winogradFilterGrad, c, 2e-5);
});

Deno.test("fewInChannelsFilterGrad() equals cpu on the tutorial's conv1 at batch 64 and odd shapes", async () => {
  const cases: Case[] = [
    { batch: 64, size: [28, 28], inC: 1, outC: 32, k: 3, pads: [1, 1, 1, 1] },
    { batch: 2, size: [9, 7], inC: 3, outC: 20, k: 5, pads: [2, 2, 2, 2] },
    { batch: 3, size: [6, 8], inC: 2, outC: 4, k: 3, pads: [0, 0, 0, 0] },
    { batch: 1, size: [5, 5], inC: 4, outC: 8, k: 1, pads: [0, 0, 0, 0] },
    { batch: 2, size: [4, 5], inC: 1, outC: 12, k: 3, pads: [0, 2, 2, 0] },
  ];
  for (const c of cases) await assertMatchesCpu(fewInChannelsFilterGrad, c, 2e-5);
});

Deno.test("the filter gradients decline shapes they do not cover", async () => {
  await setBackend("wasm");
  const backend = tf.backend() as BackendWasm;
  const x6 = tf.zeros([1, 6, 6, 6]);
  const dy8 = tf.zeros([1, 6, 6, 8]);
  const x8 = tf.zeros([1, 6, 6, 8]);
  const dy6 = tf.zeros([1, 6, 6, 6]);
  const x4 = tf.zeros([1, 4, 4, 8]);
  const dy2 = tf.zeros([1, 2, 2, 8]);
  const before = backend.numDataIds();
  // Channels not multiples of 4; a 5×5 filter; pads that do not give dy's size; tiny images.
  assert.equal(winogradFilterGrad(backend, x6, dy8, [3, 3, 6, 8], [1, 1, 1, 1]), null);
  assert.equal(winogradFilterGrad(backend, x8, dy6, [3, 3, 8, 6], [1, 1, 1, 1]), null);
  assert.equal(winogradFilterGrad(backend, x8, dy8, [5, 5, 8, 8], [2, 2, 2, 2]), null);
  assert.equal(winogradFilterGrad(backend, x8, dy8, [3, 3, 8, 8], [0, 0, 0, 0]), null);
  assert.equal(winogradFilterGrad(backend, x4, dy2, [3, 3, 8, 8], [0, 0, 0, 0]), null);
  assert.equal(fewInChannelsFilterGrad(backend, x6, dy8, [3, 3, 6, 8], [1, 1, 1, 1]), null);
  assert.equal(backend.numDataIds(), before);
  tf.dispose([x6, dy8, x8, dy6, x4, dy2]);
});
