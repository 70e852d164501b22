/**
 * Shared checks for the kernels this library registers on the `wasm` backend: a kernel run on wasm
 * and on cpu, compared within 1e-4 relative (or a tighter tolerance), with no tensor or wasm buffer
 * left behind; and random (seeded) convolution cases run through `FusedConv2D`, `Conv2D` and
 * `Conv2DBackpropInput`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { setBackend, tf } from "../../lib/mod.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";
import { relativeMaxError } from "./tensor_asserts.ts";

/** A convolution's padding: a mode or explicit NHWC pads. */
export type ConvPad = "same" | "valid" | [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];

/** One convolution to check (stride 1, NHWC). */
export interface ConvCase {
  batch: number;
  size: [number, number];
  /** Filter height and width; 3×3 when absent. */
  kernel?: [number, number];
  inC: number;
  outC: number;
  pad: ConvPad;
  bias: boolean;
  relu: boolean;
}

/** A tensor of `shape` with values uniform in [-1, 1) from `rand`. */
export function uniformTensor(rand: () => number, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = 2 * rand() - 1;
  return tf.tensor(values, shape);
}

/** Run kernel `name` on the active backend; the values and shape of its output. */
function run(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown>,
): { values: Float32Array; shape: number[] } {
  const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { values: out.dataSync() as Float32Array, shape: out.shape };
  out.dispose();
  return result;
}

/**
 * Kernel `name` on wasm equals it on cpu within `tolerance` relative (1e-4 unless given), gives
 * the same values on a second call (cached filter layouts), and leaves no tensor and no wasm
 * buffer behind once its inputs are disposed (cached filter layouts included). `make` builds the
 * inputs on the active backend.
 */
export async function assertKernelMatchesCpu(
  name: string,
  make: () => Record<string, tf.Tensor>,
  attrs: Record<string, unknown>,
  label: string,
  tolerance = 1e-4,
): Promise<void> {
  await setBackend("wasm");
  const backend = tf.backend();
  const dataIdsBefore = backend.numDataIds();
  const tensorsBefore = tf.memory().numTensors;
  let inputs = make();
  const wasm = run(name, inputs, attrs);
  const again = run(name, inputs, attrs);
  tf.dispose(Object.values(inputs));
  assert.equal(tf.memory().numTensors, tensorsBefore, `${label}: leaked tensors`);
  assert.equal(backend.numDataIds(), dataIdsBefore, `${label}: leaked wasm data`);
  assert.deepEqual(again.values, wasm.values, `${label}: second call differs`);
  await setBackend("cpu");
  inputs = make();
  const cpu = run(name, inputs, attrs);
  tf.dispose(Object.values(inputs));
  await setBackend("wasm");
  assert.deepEqual(wasm.shape, cpu.shape, `${label}: shape`);
  const err = relativeMaxError(wasm.values, cpu.values);
  assert.ok(err <= tolerance, `${label}: relative error ${err} > ${tolerance}`);
}

const label = (kernel: string, c: ConvCase) => `${kernel} ${JSON.stringify(c)}`;

/** Each case through `FusedConv2D` (bias and relu as the case says), wasm against cpu. */
export async function assertFusedConv2DMatchesCpu(cases: ConvCase[]): Promise<void> {
  for (const [i, c] of cases.entries()) {
    const make = () => {
      const rand = mulberry32(100 + i);
      const inputs: Record<string, tf.Tensor> = {
        x: uniformTensor(rand, [c.batch, ...c.size, c.inC]),
        filter: uniformTensor(rand, [...(c.kernel ?? [3, 3]), c.inC, c.outC]),
      };
      if (c.bias) inputs.bias = uniformTensor(rand, [c.outC]);
      return inputs;
    };
    await assertKernelMatchesCpu("FusedConv2D", make, {
      strides: [1, 1],
      pad: c.pad,
      dataFormat: "NHWC",
      dilations: [1, 1],
      dimRoundingMode: undefined,
      activation: c.relu ? "relu" : "linear",
    }, label("FusedConv2D", c));
  }
}

/** Each case through `Conv2D` (no bias, no activation), wasm against cpu. */
export async function assertConv2DMatchesCpu(cases: ConvCase[]): Promise<void> {
  for (const [i, c] of cases.entries()) {
    const make = () => {
      const rand = mulberry32(200 + i);
      return {
        x: uniformTensor(rand, [c.batch, ...c.size, c.inC]),
        filter: uniformTensor(rand, [...(c.kernel ?? [3, 3]), c.inC, c.outC]),
      };
    };
    await assertKernelMatchesCpu("Conv2D", make, {
      strides: [1, 1],
      pad: c.pad,
      dataFormat: "NHWC",
      dilations: [1, 1],
      dimRoundingMode: undefined,
    }, label("Conv2D", c));
  }
}

/** Each case's input gradient through `Conv2DBackpropInput`, wasm against cpu. */
export async function assertConv2DBackpropInputMatchesCpu(cases: ConvCase[]): Promise<void> {
  for (const [i, c] of cases.entries()) {
    const inputShape = [c.batch, ...c.size, c.inC] as [number, number, number, number];
    const filterShape = [...(c.kernel ?? [3, 3]), c.inC, c.outC] as [
      number,
      number,
      number,
      number,
    ];
    const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, [1, 1], 1, c.pad);
    const make = () => {
      const rand = mulberry32(300 + i);
      return {
        dy: uniformTensor(rand, [c.batch, info.outHeight, info.outWidth, c.outC]),
        filter: uniformTensor(rand, filterShape),
      };
    };
    await assertKernelMatchesCpu("Conv2DBackpropInput", make, {
      strides: [1, 1],
      pad: c.pad,
      dataFormat: "NHWC",
      dimRoundingMode: undefined,
      inputShape,
    }, label("Conv2DBackpropInput", c));
  }
}
