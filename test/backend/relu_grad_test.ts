/**
 * The one-pass ReLU gradient on `wasm`: the `ReluGrad` kernel (SIMD module and its TypeScript
 * fallback) equals TensorFlow.js's own gradient, `mul(dy, cast(step(x)))`, on every value class
 * (zeros of both signs, negatives, denormals, ±∞, NaN) and every size, and so does the registered
 * `Relu` gradient, to first and second order, on `wasm` and on `cpu`. Registration is idempotent
 * and gradient overrides still replace and restore it.
 */
import assert from "node:assert/strict";
import { setBackend, tf } from "../../lib/mod.ts";
import { runWasmKernel } from "../../lib/backend/backend.ts";
import { reluGradInto } from "../../lib/backend/_kernels/relu_grad.ts";
import { registerWasmGradients } from "../../lib/backend/register_wasm_gradients.ts";
import { withGradientOverrides } from "../../lib/attr/_utils/gradient_override.ts";
import { GUIDED_RELU } from "../../lib/attr/_utils/relu_rules.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";

const bits = (values: number[]) => new Float32Array(new Uint32Array(values).buffer);

/** Forward inputs of every class: ±0, ±denormal, ±normal, ±∞, quiet and signalling NaN of both signs. */
const X_SPECIAL = [
  ...bits([0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x7fc00000, 0xffc00000, 0x7f812345]),
  ...[-2, 3, 1e-30, -1e-30, Infinity, -Infinity, 0.5, -0.5],
];
/** Output gradients of every class (their product with 0 is ±0 or NaN). */
const DY_SPECIAL = [
  ...bits([0x80000000, 0x7fc00001, 0xffc00003]),
  ...[1, -1, 0, Infinity, -Infinity, 2.5, -7, 1e-40],
];

/** `n` values: every (x, dy) class pair first, then seeded draws with a fifth of them special. */
function inputs(n: number, seed: number): { x: Float32Array; dy: Float32Array } {
  const rand = mulberry32(seed);
  const x = new Float32Array(n);
  const dy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const pair = i < X_SPECIAL.length * DY_SPECIAL.length;
    x[i] = pair || rand() < 0.2
      ? X_SPECIAL[
        (pair ? Math.floor(i / DY_SPECIAL.length) : Math.floor(rand() * 1e9)) % X_SPECIAL.length
      ]
      : 2 * rand() - 1;
    dy[i] = pair || rand() < 0.2
      ? DY_SPECIAL[(pair ? i : Math.floor(rand() * 1e9)) % DY_SPECIAL.length]
      : 2 * rand() - 1;
  }
  return { x, dy };
}

/**
 * `actual` equals `expected` bit for bit (the sign of zero included), except that a NaN may carry
 * any payload (the engine's multiply chooses it), and a NaN must be where `expected` has one.
 */
function assertSameFloats(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    if (a[i] !== e[i]) {
      assert.fail(
        `${label}: element ${i} is ${actual[i]} (0x${a[i].toString(16)}), expected ` +
          `${expected[i]} (0x${e[i].toString(16)})`,
      );
    }
  }
}

/** TensorFlow.js's own ReLU gradient, `mul(dy, cast(step(x), "float32"))`, on the active backend. */
function stockReluGradient(dy: tf.Tensor, x: tf.Tensor): Float32Array {
  const stock = registerWasmGradients().get("Relu")!;
  return tf.tidy(() => (stock.gradFunc(dy, [x], {}) as { x: () => tf.Tensor }).x())
    .dataSync() as Float32Array;
}

/** Run `ReluGrad` on wasm at the kernel level and read its output. */
function kernelReluGrad(dy: tf.Tensor, x: tf.Tensor): Float32Array {
  const out = runWasmKernel("ours", "ReluGrad", { dy, x }, {});
  const values = (tf.backend().readSync(out.dataId) as Float32Array).slice();
  tf.backend().disposeData(out.dataId);
  return values;
}

const SIZES = [0, 1, 2, 3, 4, 5, 7, 15, 16, 17, 19, 31, 33, 36 * 15, 36 * 15 + 3, 10_007];

Deno.test("`ReluGrad` on wasm equals TensorFlow.js's ReLU gradient on wasm and cpu for every value class and size", async () => {
  await setBackend("wasm");
  const backend = tf.backend();
  for (const n of SIZES) {
    const { x: xs, dy: dys } = inputs(n, n + 1);
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(dys);
    const dataIdsBefore = backend.numDataIds();
    const tensorsBefore = tf.memory().numTensors;
    const ours = kernelReluGrad(dy, x);
    assert.equal(backend.numDataIds(), dataIdsBefore, `size ${n}: leaked wasm data`);
    assert.equal(tf.memory().numTensors, tensorsBefore, `size ${n}: leaked tensors`);
    assertSameFloats(
      ours,
      stockReluGradient(dy, x),
      `size ${n}, against the stock kernels on wasm`,
    );
    tf.dispose([x, dy]);
    await setBackend("cpu");
    const cpu = tf.tidy(() => stockReluGradient(tf.tensor1d(dys), tf.tensor1d(xs)));
    await setBackend("wasm");
    assertSameFloats(ours, cpu, `size ${n}, against cpu`);
  }
});

Deno.test("`ReluGrad` pins its values: dy where x > 0, the sign of dy times zero where x ≤ 0, NaN where x is", async () => {
  await setBackend("wasm");
  const x = tf.tensor1d([1, -1, 0, -0, 2, -3, NaN, Infinity, -Infinity]);
  const dy = tf.tensor1d([-4, -4, 5, -5, NaN, Infinity, 1, 6, -Infinity]);
  const out = Array.from(kernelReluGrad(dy, x));
  assert.deepEqual(out, [-4, -0, 0, -0, NaN, NaN, NaN, 6, NaN]);
  assert.ok(Object.is(out[1], -0) && Object.is(out[2], 0) && Object.is(out[3], -0));
  tf.dispose([x, dy]);
});

Deno.test("the TypeScript ReLU gradient loop (the fallback without wasm SIMD) equals the SIMD kernel", async () => {
  await setBackend("wasm");
  for (const n of SIZES) {
    const { x: xs, dy: dys } = inputs(n, 100 + n);
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(dys);
    const loop = new Float32Array(n);
    reluGradInto(dys, xs, loop);
    assertSameFloats(loop, kernelReluGrad(dy, x), `size ${n}`);
    tf.dispose([x, dy]);
  }
});

Deno.test("`ReluGrad` on wasm runs the stock kernels for other dtypes and for shapes that broadcast", async () => {
  await setBackend("wasm");
  const cases: Array<[tf.Tensor, tf.Tensor]> = [
    [tf.tensor1d([1, 2, 3, 4, 5]), tf.tensor1d([-1, 0, 2, 3, -5], "int32")],
    [tf.tensor2d([[1, -2, 3], [4, 5, -6]]), tf.tensor1d([-1, 0, 2])],
  ];
  for (const [dy, x] of cases) {
    assertSameFloats(kernelReluGrad(dy, x), stockReluGradient(dy, x), `${x.dtype} [${x.shape}]`);
    tf.dispose([dy, x]);
  }
});

/** f(x) = Σ w·relu(x)², whose gradient runs the ReLU gradient on dy = 2w·relu(x). */
const squaredRelu = (w: tf.Tensor) => (x: tf.Tensor) => tf.relu(x).square().mul(w).sum();

/** The first and second derivative of {@linkcode squaredRelu} at `x`, and the kernels they ran. */
async function derivatives(xs: Float32Array, ws: Float32Array): Promise<{
  first: Float32Array;
  second: Float32Array;
  kernels: string[];
}> {
  const x = tf.tensor1d(xs);
  const w = tf.tensor1d(ws);
  const tensorsBefore = tf.memory().numTensors;
  const read = (t: tf.Tensor) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  };
  const first = read(tf.tidy(() => tf.grad(squaredRelu(w))(x)));
  const second = read(
    tf.tidy(() => tf.grad((v: tf.Tensor) => tf.grad(squaredRelu(w))(v).mul(w).sum())(x)),
  );
  assert.equal(tf.memory().numTensors, tensorsBefore, "no tensor leaked");
  const info = await tf.profile(() => tf.tidy(() => tf.grad(squaredRelu(w))(x)).dispose());
  tf.dispose([x, w]);
  return { first, second, kernels: info.kernels.map((k) => k.name) };
}

/** The same derivatives with TensorFlow.js's own `Relu` gradient registered. */
async function stockDerivatives(xs: Float32Array, ws: Float32Array) {
  const ours = tf.getGradient("Relu");
  const stock = registerWasmGradients().get("Relu")!;
  tf.unregisterGradient("Relu");
  tf.registerGradient(stock);
  try {
    return await derivatives(xs, ws);
  } finally {
    tf.unregisterGradient("Relu");
    tf.registerGradient(ours);
  }
}

Deno.test("the registered `Relu` gradient equals TensorFlow.js's own to first and second order, on wasm (via `ReluGrad`) and cpu", async () => {
  const { x: xs } = inputs(203, 7);
  const ws = Float32Array.from(inputs(203, 8).dy, (v) => (Number.isFinite(v) ? v : 0.5));
  for (const backend of ["wasm", "cpu"] as const) {
    await setBackend(backend);
    const ours = await derivatives(xs, ws);
    const stock = await stockDerivatives(xs, ws);
    assertSameFloats(ours.first, stock.first, `${backend}: first derivative`);
    assertSameFloats(ours.second, stock.second, `${backend}: second derivative`);
    assert.equal(ours.kernels.includes("ReluGrad"), backend === "wasm", `${backend}: ReluGrad ran`);
    assert.equal(ours.kernels.includes("Step"), backend === "cpu", `${backend}: Step ran`);
    assert.ok(stock.kernels.includes("Step") && !stock.kernels.includes("ReluGrad"));
  }
  await setBackend("wasm");
});

Deno.test("`registerWasmGradients()` is idempotent, and gradient overrides replace and restore its `Relu` gradient", async () => {
  await setBackend("wasm");
  const stock = registerWasmGradients();
  assert.equal(registerWasmGradients(), stock);
  const ours = tf.getGradient("Relu");
  assert.notEqual(ours, stock.get("Relu"));
  assert.ok(tf.getGradient("ReluGrad") !== undefined);
  const x = tf.tensor1d([-1, 2, 3]);
  const dy = tf.tensor1d([5, -6, 7]);
  const guided = withGradientOverrides([GUIDED_RELU], () => {
    assert.equal(tf.getGradient("Relu").gradFunc, GUIDED_RELU.gradFunc);
    return tf.tidy(() => tf.grad((v: tf.Tensor) => tf.relu(v).mul(dy).sum())(x));
  });
  assert.deepEqual(Array.from(guided.dataSync()), [0, 0, 7]);
  assert.equal(tf.getGradient("Relu"), ours);
  tf.dispose([x, dy, guided]);
});
