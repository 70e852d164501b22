/**
 * The kernels registered on the `wasm` backend agree with the `cpu` backend's kernels on random
 * (seeded) shapes, leak no backend memory, and give the tutorial CNN the same gradients.
 */
import assert from "node:assert/strict";
import { createClassifier, setBackend, tf } from "../../lib/mod.ts";
import { WASM_KERNELS } from "../../lib/backend/register_wasm_kernels.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";
import { assertKernelMatchesCpu } from "../_helpers/conv_kernels.ts";

interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: "float32" | "int32";
}

function normal(rand: () => number, shape: number[]): Input {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = 2 * rand() - 1;
  return { values, shape, dtype: "float32" };
}

/**
 * Run kernel `name` on wasm and on cpu, assert equal shapes and values within 1e-4 relative and no
 * leaked tensor or wasm buffer (the shared harness of the conv kernel tests).
 */
function assertMatchesCpu(
  name: string,
  inputs: Record<string, Input>,
  attrs: Record<string, unknown>,
  label: string,
): Promise<void> {
  const make = () =>
    Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape, v.dtype)]),
    );
  return assertKernelMatchesCpu(name, make, attrs, label);
}

interface ConvCase {
  batch: number;
  size: [number, number];
  inC: number;
  outC: number;
  k: number;
  stride: number;
  pad: "same" | "valid";
}

function convCases(seed: number, count: number): ConvCase[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const cases: ConvCase[] = [
    // The tutorial CNN's two layers (small batch), covering both formulations of each kernel.
    { batch: 2, size: [28, 28], inC: 1, outC: 32, k: 3, stride: 1, pad: "same" },
    { batch: 2, size: [28, 28], inC: 32, outC: 16, k: 3, stride: 1, pad: "same" },
    // The patch-matrix paths (few input channels) with strides, odd sizes and both paddings.
    { batch: 3, size: [9, 8], inC: 1, outC: 32, k: 5, stride: 2, pad: "same" },
    { batch: 2, size: [10, 7], inC: 3, outC: 32, k: 3, stride: 2, pad: "valid" },
    { batch: 1, size: [6, 9], inC: 2, outC: 24, k: 3, stride: 2, pad: "same" },
  ];
  for (let i = 0; i < count; i++) {
    const k = pick([1, 3, 5] as const);
    cases.push({
      batch: int(1, 8),
      size: [int(k, 11), int(k, 11)],
      inC: pick([1, 2, 3, int(1, 32), int(1, 32)]),
      outC: int(1, 32),
      k,
      stride: pick([1, 2]),
      pad: pick(["same", "valid"] as const),
    });
  }
  return cases;
}

const CASES = convCases(20240601, 24);

Deno.test("registerWasmKernels() registers every kernel on the wasm backend", () => {
  const names = WASM_KERNELS.map((c) => c.kernelName);
  assert.deepEqual(
    [...names].sort(),
    [
      "BatchMatMul",
      "Cast",
      "Conv2D",
      "Conv2DBackpropFilter",
      "Conv2DBackpropInput",
      "Conv3DBackpropFilterV2",
      "Conv3DBackpropInputV2",
      "DepthwiseConv2dNativeBackpropFilter",
      "DepthwiseConv2dNativeBackpropInput",
      "Dilation2D",
      "Dilation2DBackpropFilter",
      "Dilation2DBackpropInput",
      "FusedConv2D",
      "GatherV2",
      "Identity",
      "MaxPool3DGrad",
      "MaxPoolGrad",
      "Mean",
      "ReluGrad",
      "ReluGradRows",
      "Slice",
      "StepPoints",
      "Sum",
      "Tile",
      "UnsortedSegmentSum",
      "WeightedStepSum",
    ],
  );
  for (const name of names) {
    assert.ok(tf.getKernel(name, "wasm") !== undefined, `${name} is registered`);
  }
});

Deno.test("Conv2DBackpropFilter on wasm equals cpu for random shapes", async () => {
  const rand = mulberry32(1);
  for (const c of CASES) {
    const label = `Conv2DBackpropFilter ${JSON.stringify(c)}`;
    const x = normal(rand, [c.batch, ...c.size, c.inC]);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      [c.k, c.k, c.inC, c.outC],
      c.stride,
      1,
      c.pad,
    );
    const dy = normal(rand, info.outShape);
    await assertMatchesCpu("Conv2DBackpropFilter", { x, dy }, {
      strides: [c.stride, c.stride],
      pad: c.pad,
      dataFormat: "NHWC",
      filterShape: [c.k, c.k, c.inC, c.outC],
    }, label);
  }
});

Deno.test("Conv2DBackpropInput on wasm equals cpu for random shapes", async () => {
  const rand = mulberry32(2);
  for (const c of CASES) {
    const label = `Conv2DBackpropInput ${JSON.stringify(c)}`;
    const inputShape = [c.batch, ...c.size, c.inC] as [number, number, number, number];
    const filter = normal(rand, [c.k, c.k, c.inC, c.outC]);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      [c.k, c.k, c.inC, c.outC],
      c.stride,
      1,
      c.pad,
    );
    const dy = normal(rand, info.outShape);
    await assertMatchesCpu("Conv2DBackpropInput", { dy, filter }, {
      strides: [c.stride, c.stride],
      pad: c.pad,
      dataFormat: "NHWC",
      inputShape,
    }, label);
  }
});

Deno.test("BatchMatMul on wasm equals cpu with and without transposed operands", async () => {
  const rand = mulberry32(3);
  for (let i = 0; i < 12; i++) {
    const batch = 1 + Math.floor(rand() * 3);
    const [m, k, n] = [
      1 + Math.floor(rand() * 40),
      1 + Math.floor(rand() * 70),
      1 + Math.floor(rand() * 20),
    ];
    const transposeA = i % 2 === 1;
    const transposeB = i % 4 >= 2;
    const a = normal(rand, transposeA ? [batch, k, m] : [batch, m, k]);
    const b = normal(rand, transposeB ? [batch, n, k] : [batch, k, n]);
    await assertMatchesCpu(
      "BatchMatMul",
      { a, b },
      { transposeA, transposeB },
      `BatchMatMul #${i}`,
    );
  }
});

Deno.test("BatchMatMul on wasm equals cpu for a dense layer's shapes, direct and swapped", async () => {
  const rand = mulberry32(33);
  // [m, k, n]: the tutorial CNN's dense layer (k = 10 classes, n = 12544 features) for the
  // backward dx = dy·Wᵀ (swapped when m is small) and other small-m, large-n products.
  const shapes: [number, number, number][] = [
    [1, 10, 12544],
    [8, 10, 12544],
    [50, 10, 12544],
    [1, 7, 300],
    [3, 17, 1000],
    [2, 1, 500],
    [1, 5, 1],
  ];
  for (const [m, k, n] of shapes) {
    for (let combo = 0; combo < 4; combo++) {
      const transposeA = combo % 2 === 1;
      const transposeB = combo >= 2;
      for (const rank of [2, 3]) {
        const lead = rank === 3 ? [1] : [];
        const a = normal(rand, [...lead, ...(transposeA ? [k, m] : [m, k])]);
        const b = normal(rand, [...lead, ...(transposeB ? [n, k] : [k, n])]);
        await assertMatchesCpu(
          "BatchMatMul",
          { a, b },
          { transposeA, transposeB },
          `BatchMatMul [${m}, ${k}, ${n}] rank ${rank} transposeA=${transposeA} transposeB=${transposeB}`,
        );
      }
    }
  }
});

Deno.test("BatchMatMul on wasm keeps a swapped operand's packing apart from the tensor's other uses", async () => {
  // dy·Wᵀ (swapped: dy is the packed operand) followed by products that use dy itself as the
  // second operand with other shapes, as a dense layer's backward pass does.
  await setBackend("wasm");
  const rand = mulberry32(34);
  const dyIn = normal(rand, [1, 10]);
  const wIn = normal(rand, [300, 10]);
  const xIn = normal(rand, [1, 300]);
  const results = async () => {
    const dy = tf.tensor2d(dyIn.values, [1, 10]);
    const w = tf.tensor2d(wIn.values, [300, 10]);
    const x = tf.tensor2d(xIn.values, [1, 300]);
    const dx = tf.matMul(dy, w, false, true);
    const dw = tf.matMul(x, dy, true, false);
    const plain = tf.matMul(tf.ones([2, 1]), dy);
    const out = [await dx.data(), await dw.data(), await plain.data()];
    tf.dispose([dy, w, x, dx, dw, plain]);
    return out;
  };
  const onWasm = await results();
  await setBackend("cpu");
  const onCpu = await results();
  await setBackend("wasm");
  onWasm.forEach((values, i) => {
    const err = relativeMaxError(values, onCpu[i]);
    assert.ok(err <= 1e-4, `product ${i}: relative error ${err} > 1e-4`);
  });
});

Deno.test("BatchMatMul on wasm keeps a persistent matrix's transpose until the matrix goes", async () => {
  // dy·Wᵀ for a layer kernel W: the transpose is derived once per buffer. A variable's new value
  // is a new buffer, so results follow assignments, and disposing W frees what was derived.
  await setBackend("wasm");
  const backend = tf.backend();
  const rand = mulberry32(35);
  const dy = tf.tensor2d(normal(rand, [2, 10]).values, [2, 10]);
  const w0 = normal(rand, [300, 10]).values as Float32Array;
  const w1 = normal(rand, [300, 10]).values as Float32Array;
  const dataIdsBefore = backend.numDataIds();
  const initial = tf.tensor2d(w0, [300, 10]);
  const w = tf.variable(initial);
  initial.dispose();
  const product = async () => {
    const out = tf.matMul(dy, w, false, true);
    const values = await out.data();
    out.dispose();
    return values;
  };
  const expected = async (values: Float32Array) => {
    await setBackend("cpu");
    const [d, m] = [tf.tensor2d(await dy.data(), [2, 10]), tf.tensor2d(values, [300, 10])];
    const out = tf.matMul(d, m, false, true);
    const result = await out.data();
    tf.dispose([d, m, out]);
    await setBackend("wasm");
    return result;
  };
  const want0 = await expected(w0);
  const want1 = await expected(w1);
  for (let call = 0; call < 2; call++) {
    assert.ok(relativeMaxError(await product(), want0) <= 1e-5, `call ${call} before assign`);
  }
  const next = tf.tensor2d(w1, [300, 10]);
  w.assign(next);
  next.dispose();
  assert.ok(relativeMaxError(await product(), want1) <= 1e-5, "after assign");
  w.dispose();
  assert.equal(backend.numDataIds(), dataIdsBefore, "derived transposes freed with the matrix");
  dy.dispose();
});

Deno.test("Identity and Cast on wasm equal cpu, with and without a dtype change", async () => {
  const rand = mulberry32(35);
  const x = normal(rand, [3, 4, 5]);
  const ints: Input = {
    values: Int32Array.from([3, -1, 0, 7, 2, 9]),
    shape: [2, 3],
    dtype: "int32",
  };
  await assertMatchesCpu("Identity", { x }, {}, "Identity float32");
  await assertMatchesCpu("Identity", { x: ints }, {}, "Identity int32");
  await assertMatchesCpu("Cast", { x }, { dtype: "float32" }, "Cast float32 → float32");
  await assertMatchesCpu("Cast", { x }, { dtype: "int32" }, "Cast float32 → int32");
  await assertMatchesCpu("Cast", { x: ints }, { dtype: "float32" }, "Cast int32 → float32");
  await assertMatchesCpu("Cast", { x: ints }, { dtype: "int32" }, "Cast int32 → int32");
});

Deno.test("Identity and Cast on wasm share the buffer: each tensor outlives the other's disposal", async () => {
  await setBackend("wasm");
  const backend = tf.backend();
  const idsBefore = backend.numDataIds();
  const x = tf.tensor1d([1.5, -2, 3]);
  const copy = tf.clone(x); // the Identity kernel
  const same = tf.cast(copy, "float32");
  assert.equal(backend.numDataIds(), idsBefore + 1, "one shared buffer");
  x.dispose();
  assert.deepEqual(Array.from(await copy.data()), [1.5, -2, 3]);
  copy.dispose();
  assert.deepEqual(Array.from(await same.data()), [1.5, -2, 3]);
  same.dispose();
  assert.equal(backend.numDataIds(), idsBefore, "the buffer is freed with its last tensor");
});

Deno.test("Sum and Mean on wasm equal cpu over leading, inner and other axes", async () => {
  const rand = mulberry32(4);
  const cases: [number[], number[], boolean][] = [
    [[8, 9, 9, 7], [0, 1, 2], false],
    [[8, 9, 9, 7], [0, 1, 2], true],
    [[300, 5], [0], false],
    [[6, 20, 3], [0, 1], true],
    [[6, 20, 3], [1, 2], false],
    [[4, 5], [0], false],
    [[70, 3, 2], [0], false],
    // Pooled inner rows (the average-pooling path), large and small.
    [[3, 784, 5], [0, 1], false],
    [[2, 3, 4, 5, 6], [0, 1, 2, 3], true],
    [[64, 28, 28, 16], [0, 1, 2], false],
    // Wide rows: pooled in channel blocks (more than ~16k channels would overflow XNNPACK's
    // stack), including a prime width (blocks of one channel).
    [[50, 28, 28, 32], [0], false],
    [[7, 9, 25088], [0, 1], false],
    [[3, 20011], [0], true],
    // Consecutive axes inside (not leading), and long reductions over several axes.
    [[2, 28, 28, 16], [1, 2], true],
    [[3, 5, 7, 600], [1, 2], false],
    [[2, 70, 70, 3], [0, 1, 2], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    for (const kernel of ["Sum", "Mean"]) {
      await assertMatchesCpu(
        kernel,
        { x: normal(rand, shape) },
        { axis, keepDims },
        `${kernel} ${shape} ${axis}`,
      );
    }
  }
});

Deno.test("Tile on wasm equals cpu for float32, int32 and bool, any axes repeated", async () => {
  const rand = mulberry32(6);
  const cases: [number[], number[]][] = [
    [[1, 28, 28, 1], [5, 1, 1, 1]],
    [[2, 1, 3, 4, 1], [1, 5, 1, 1, 1]],
    [[3, 4], [2, 3]],
    [[2, 3, 2], [3, 1, 2]],
    [[5], [4]],
    [[2, 0, 3], [2, 2, 1]],
    [[1, 1], [1, 1]],
  ];
  for (const [shape, reps] of cases) {
    await assertMatchesCpu("Tile", { x: normal(rand, shape) }, { reps }, `Tile ${shape} × ${reps}`);
    const n = shape.reduce((a, b) => a * b, 1);
    const ints: Input = {
      values: Int32Array.from({ length: n }, () => Math.floor(rand() * 100) - 50),
      shape,
      dtype: "int32",
    };
    await assertMatchesCpu("Tile", { x: ints }, { reps }, `Tile int32 ${shape} × ${reps}`);
  }
  await setBackend("wasm");
  const flags = tf.tensor2d([true, false, false, true, true, false], [2, 3], "bool");
  const tiled = tf.tile(flags, [2, 2]);
  assert.deepEqual(Array.from(await tiled.data()), [
    ...[1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0],
    ...[1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0],
  ]);
  tf.dispose([flags, tiled]);
});

Deno.test("Slice on wasm equals cpu for runs of every length, float32 and int32", async () => {
  const rand = mulberry32(8);
  const cases: [number[], number[], number[]][] = [
    [[2, 28, 28, 32], [0, 0, 0, 0], [1, -1, -1, -1]],
    [[2, 28, 28, 32], [1, 0, 0, 0], [1, 28, 28, 32]],
    [[4, 5, 6], [1, 2, 3], [2, 3, 2]],
    [[4, 5, 6], [0, 1, 0], [4, 3, 6]],
    [[4, 5, 6], [3, 4, 5], [1, 1, 1]],
    [[7], [2], [4]],
    [[3, 4], [0, 0], [3, 4]],
    [[3, 4, 2, 5], [1, 0, 1, 2], [2, 4, 1, 3]],
    [[3, 4], [1, 0], [0, 4]],
  ];
  for (const [shape, begin, size] of cases) {
    await assertMatchesCpu("Slice", { x: normal(rand, shape) }, { begin, size }, `Slice ${shape}`);
    const n = shape.reduce((a, b) => a * b, 1);
    const ints: Input = {
      values: Int32Array.from({ length: n }, (_, i) => i),
      shape,
      dtype: "int32",
    };
    await assertMatchesCpu("Slice", { x: ints }, { begin, size }, `Slice int32 ${shape}`);
  }
});

Deno.test("GatherV2 on wasm equals cpu on any axis, with repeated and 2-D indices", async () => {
  const rand = mulberry32(7);
  const cases: [number[], number[], number[], number][] = [
    [[1, 28, 28, 1], [0, 0, 0, 0, 0], [5], 0],
    [[4, 3, 2], [3, 0, 3, 1], [4], 0],
    [[4, 3, 2], [2, 0], [2], 1],
    [[4, 3, 2], [1, 1, 0, 1], [2, 2], 2],
    [[4, 3, 2], [1, 0], [2], -1],
    [[6], [5, 4, 0], [3], 0],
  ];
  for (const [shape, picks, indexShape, axis] of cases) {
    const indices: Input = { values: Int32Array.from(picks), shape: indexShape, dtype: "int32" };
    await assertMatchesCpu(
      "GatherV2",
      { x: normal(rand, shape), indices },
      { axis, batchDims: 0 },
      `GatherV2 ${shape} axis ${axis} indices ${picks}`,
    );
  }
});

Deno.test("UnsortedSegmentSum on wasm equals cpu (float32 and int32, ids out of range dropped)", async () => {
  const rand = mulberry32(5);
  for (
    const [rows, inner, numSegments] of [[12, [3, 4]], [7, [5]], [40, []]].map(
      ([r, s], i) => [r, s, 3 + i * 4] as [number, number[], number],
    )
  ) {
    const ids = new Int32Array(rows);
    for (let i = 0; i < rows; i++) ids[i] = Math.floor(rand() * (numSegments + 2)) - 1;
    const segmentIds: Input = { values: ids, shape: [rows], dtype: "int32" };
    const x = normal(rand, [rows, ...inner]);
    await assertMatchesCpu("UnsortedSegmentSum", { x, segmentIds }, { numSegments }, "float32");
    const xi: Input = {
      values: Int32Array.from(x.values, (v) => Math.round(v * 100)),
      shape: x.shape,
      dtype: "int32",
    };
    await assertMatchesCpu("UnsortedSegmentSum", { x: xi, segmentIds }, { numSegments }, "int32");
  }
});

Deno.test("gather's gradient runs on wasm and equals cpu", async () => {
  const f = (x: tf.Tensor) => tf.gather(x, tf.tensor1d([2, 0, 2, 1], "int32")).square().sum();
  const x0 = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const gWasm = tf.grad(f)(x0);
  const wasmValues = await gWasm.data();
  await setBackend("cpu");
  const gCpu = tf.grad(f)(x0);
  const cpuValues = await gCpu.data();
  await setBackend("wasm");
  assert.ok(relativeMaxError(wasmValues, cpuValues) <= 1e-6);
  assert.deepEqual(Array.from(wasmValues), [2, 4, 6, 8, 20, 24]);
  tf.dispose([x0, gWasm, gCpu]);
});

Deno.test("the tutorial CNN's weight and input gradients on wasm equal those on cpu", async () => {
  await setBackend("wasm");
  const model = createClassifier({ seed: 7 });
  const rand = mulberry32(6);
  const xIn = normal(rand, [2, 28, 28, 1]);
  const x = tf.tensor4d(xIn.values, [2, 28, 28, 1]);
  const labels = tf.oneHot(tf.tensor1d([3, 1], "int32"), 10);
  const loss = (input: tf.Tensor) =>
    tf.losses.softmaxCrossEntropy(labels, model.apply(input) as tf.Tensor) as tf.Scalar;
  const gradients = async () => {
    const { value, grads } = tf.variableGrads(() => loss(x));
    const inputGrad = tf.grad(loss)(x);
    const out: Record<string, Float32Array> = { input: (await inputGrad.data()) as Float32Array };
    for (const [k, g] of Object.entries(grads)) out[k] = (await g.data()) as Float32Array;
    tf.dispose([value, inputGrad, ...Object.values(grads)]);
    return out;
  };
  const before = tf.memory().numTensors;
  const onWasm = await gradients();
  assert.equal(tf.memory().numTensors, before, "gradients leaked tensors");
  await setBackend("cpu");
  const onCpu = await gradients();
  await setBackend("wasm");
  assert.equal(Object.keys(onWasm).length, 1 + model.trainableWeights.length);
  for (const name of Object.keys(onCpu)) {
    const err = relativeMaxError(onWasm[name], onCpu[name]);
    assert.ok(err <= 1e-4, `${name}: relative error ${err} > 1e-4`);
  }
  tf.dispose([x, labels]);
  model.dispose();
});

Deno.test("setBackend() is idempotent and rejects unknown names", async () => {
  await setBackend("wasm");
  await setBackend("wasm");
  assert.equal(tf.getBackend(), "wasm");
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => setBackend("webgl" as any),
    {
      name: "RangeError",
      message:
        'Cannot set the TensorFlow.js backend: name must be one of "wasm", "cpu", received "webgl". Pass "wasm" (fast, default) or "cpu".',
    },
  );
});
