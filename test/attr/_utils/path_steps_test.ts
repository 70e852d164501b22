/**
 * The path integral's two elementwise passes: `stepPoints` equals TensorFlow.js's
 * `start + α·diff` chain bit for bit and `weightedStepSum` its `mul(w).sum(0)` chain to float32
 * rounding, on `wasm` (the `StepPoints` and `WeightedStepSum` kernels, SIMD module and TypeScript
 * loop) and on `cpu` (the chains themselves), for odd sizes, one step and one example; nothing
 * leaks, other inputs run the chains, and the kernels are not differentiable.
 */
import assert from "node:assert/strict";
import { setBackend, tf } from "../../../lib/mod.ts";
import { runWasmKernel } from "../../../lib/backend/backend.ts";
import { stepPoints, weightedStepSum } from "../../../lib/attr/_utils/path_steps.ts";
import { pathPoints } from "../../../lib/attr/layer/_layer_gradients.ts";
import { stepPointsInto } from "../../../lib/backend/_kernels/step_points.ts";
import { weightedStepSumInto } from "../../../lib/backend/_kernels/weighted_step_sum.ts";
import { mulberry32 } from "../../../lib/data/_prng.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";

const bits = (values: number[]) => Array.from(new Float32Array(new Uint32Array(values).buffer));

/** Values of every class: ±0, ±denormal, ±∞, NaN, huge and tiny normals. */
const SPECIAL = [
  ...bits([0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x7fc00000]),
  ...[Infinity, -Infinity, 3e38, -3e38, 1e-38, -1e-38],
];

/** `size` seeded values in (−2, 2), a tenth of them special when `special`. */
function values(size: number, seed: number, special = true): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from(
    { length: size },
    () => special && rand() < 0.1 ? SPECIAL[Math.floor(rand() * SPECIAL.length)] : 4 * rand() - 2,
  );
}

/** Step positions and weights that float32 cannot hold exactly (and 0, 1, a negative weight). */
function steps(k: number, seed: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: k }, (_, i) => (i === 0 ? 0 : i === k - 1 ? 1 : rand() / 3 - 0.05));
}

/** TensorFlow.js's chain for the points, as IntegratedGradients computed them before. */
function chainPoints(start: tf.Tensor, diff: tf.Tensor, alphas: number[]): tf.Tensor {
  return tf.tidy(() => {
    const [n, ...rest] = start.shape;
    const a = tf.tensor(alphas, [alphas.length, 1, ...rest.map(() => 1)]);
    return start.expandDims(0).add(a.mul(diff.expandDims(0)))
      .reshape([alphas.length * n, ...rest]);
  });
}

/** TensorFlow.js's chain for the weighted sum. */
function chainSum(g: tf.Tensor, weights: number[], n: number): tf.Tensor {
  return tf.tidy(() => {
    const rest = g.shape.slice(1);
    const w = tf.tensor(weights, [weights.length, 1, ...rest.map(() => 1)]);
    return g.reshape([weights.length, n, ...rest]).mul(w).sum(0);
  });
}

/** `actual` equals `expected` bit for bit (the sign of zero included; any NaN matches NaN). */
function assertSameFloats(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string) {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    if (!Object.is(actual[i], expected[i])) {
      assert.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** `[N, …]` shapes and step counts: one step, one example, sizes off multiples of 4 and 16. */
const CASES: Array<{ shape: number[]; k: number }> = [
  { shape: [1, 1], k: 1 },
  { shape: [1, 17], k: 1 },
  { shape: [1, 3], k: 5 },
  { shape: [3, 5], k: 7 },
  { shape: [5, 7, 3], k: 3 },
  { shape: [2, 1031], k: 4 },
  { shape: [4, 3, 3, 2], k: 50 },
  { shape: [3, 28, 28, 1], k: 6 },
  { shape: [2, 0], k: 3 },
];

/** Run `f` and check that it left no tensor and no wasm buffer behind beyond its result. */
function noLeak<T extends tf.Tensor>(f: () => T, label: string): T {
  const before = tf.memory().numTensors;
  const ids = tf.backend().numDataIds();
  const out = f();
  assert.equal(tf.memory().numTensors, before + 1, `${label}: tensors`);
  assert.equal(tf.backend().numDataIds(), ids + 1, `${label}: buffers`);
  return out;
}

/** The kernels that `f` ran. */
/** The values of a kernel's output, which is then freed. */
function read(info: tf.TensorInfo): Float32Array {
  const values = (tf.backend().readSync(info.dataId) as Float32Array).slice();
  tf.backend().disposeData(info.dataId);
  return values;
}

async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
  const info = await tf.profile(() => f().dispose());
  return info.kernels.map((k) => k.name);
}

Deno.test("`stepPoints()` equals the `start + α·diff` chain bit for bit on wasm (one kernel) and cpu", async () => {
  for (const backend of ["wasm", "cpu"] as const) {
    await setBackend(backend);
    for (const [c, { shape, k }] of CASES.entries()) {
      const size = shape.reduce((a, b) => a * b, 1);
      const start = tf.tensor(values(size, 2 * c + 1), shape);
      const diff = tf.tensor(values(size, 2 * c + 2), shape);
      const alphas = steps(k, c + 100);
      const label = `${backend} [${shape}] k=${k}`;
      const ours = noLeak(() => stepPoints(start, diff, alphas), label);
      const chain = chainPoints(start, diff, alphas);
      assert.deepEqual(ours.shape, [k * shape[0], ...shape.slice(1)], `${label}: shape`);
      assertSameFloats(ours.dataSync(), chain.dataSync(), label);
      const ran = await kernelsOf(() => stepPoints(start, diff, alphas));
      assert.deepEqual(ran.includes("StepPoints"), backend === "wasm", `${label}: ${ran}`);
      if (backend === "wasm") assert.deepEqual(ran, ["StepPoints"], label);
      tf.dispose([start, diff, ours, chain]);
    }
  }
  await setBackend("wasm");
});

Deno.test("`weightedStepSum()` equals the `mul(w).sum(0)` chain to float32 rounding on wasm (one kernel) and cpu", async () => {
  for (const backend of ["wasm", "cpu"] as const) {
    await setBackend(backend);
    for (const [c, { shape, k }] of CASES.entries()) {
      const [n, ...rest] = shape;
      const rows = [k * n, ...rest];
      const g = tf.tensor(values(rows.reduce((a, b) => a * b, 1), c + 7, false), rows);
      const weights = steps(k, c + 200);
      const label = `${backend} [${rows}] k=${k}`;
      const ours = noLeak(() => weightedStepSum(g, weights, n), label);
      const chain = chainSum(g, weights, n);
      assert.deepEqual(ours.shape, shape, `${label}: shape`);
      assertAllClose(ours, chain, { rtol: 1e-5, atol: 1e-6, message: label });
      const ran = await kernelsOf(() => weightedStepSum(g, weights, n));
      assert.deepEqual(ran.includes("WeightedStepSum"), backend === "wasm", `${label}: ${ran}`);
      if (backend === "wasm") assert.deepEqual(ran, ["WeightedStepSum"], label);
      tf.dispose([g, ours, chain]);
    }
  }
  await setBackend("wasm");
});

Deno.test("`WeightedStepSum` sums float32 products in increasing k from +0, as its TypeScript loop does", async () => {
  await setBackend("wasm");
  // 2²⁴ + 1 + 1: summed in order each 1 is lost; pooled or paired, one would survive.
  const g = tf.tensor2d([[16777216, -0], [1, -0], [1, -0]]);
  const out = weightedStepSum(g, [1, 1, 1], 1);
  assert.deepEqual(Array.from(out.dataSync()), [16777216, 0]);
  assert.ok(Object.is(out.dataSync()[1], 0), "+0 from −0 products, as a Sum from +0 gives");
  tf.dispose([g, out]);
});

Deno.test("the TypeScript loops (the fallbacks without wasm SIMD) equal the SIMD kernels bit for bit", async () => {
  await setBackend("wasm");
  for (const [c, { shape, k }] of CASES.entries()) {
    const size = shape.reduce((a, b) => a * b, 1);
    const [s, d, g] = [values(size, c + 11), values(size, c + 12), values(k * size, c + 13)];
    const alphas = steps(k, c + 300);
    const start = tf.tensor(s, shape);
    const diff = tf.tensor(d, shape);
    const a = tf.tensor1d(alphas);
    const gt = tf.tensor(g, [k * shape[0], ...shape.slice(1)]);
    const points = new Float32Array(k * size);
    stepPointsInto(s, d, alphas, points);
    assertSameFloats(
      points,
      read(runWasmKernel("ours", "StepPoints", { start, diff, alphas: a }, {})),
      `points [${shape}] k=${k}`,
    );
    const sum = new Float32Array(size);
    weightedStepSumInto(g, alphas, sum);
    assertSameFloats(
      sum,
      read(runWasmKernel("ours", "WeightedStepSum", { g: gt, weights: a }, {})),
      `sum [${shape}] k=${k}`,
    );
    tf.dispose([start, diff, a, gt]);
  }
});

Deno.test("with ReLU: the points equal `tf.relu` of the chain and the masked sum `ReluGrad` then the sum, on wasm and cpu", async () => {
  for (const backend of ["wasm", "cpu"] as const) {
    await setBackend(backend);
    for (const [c, { shape, k }] of CASES.entries()) {
      const [n, ...rest] = shape;
      const size = shape.reduce((a, b) => a * b, 1);
      const start = tf.tensor(values(size, 3 * c + 1), shape);
      const diff = tf.tensor(values(size, 3 * c + 2), shape);
      const g = tf.tensor(values(k * size, 3 * c + 3, false), [k * n, ...rest]);
      const alphas = steps(k, c + 400);
      const weights = steps(k, c + 500);
      const label = `${backend} [${shape}] k=${k}`;
      const points = noLeak(() => stepPoints(start, diff, alphas, true), label);
      const chainRelu = tf.tidy(() => tf.relu(chainPoints(start, diff, alphas)));
      assertSameFloats(points.dataSync(), chainRelu.dataSync(), `${label}: relu points`);
      const mask = { start, diff, alphas };
      const sum = noLeak(() => weightedStepSum(g, weights, n, mask), label);
      // ReLU's gradient as the backward pass runs it (ReluGrad on wasm, Step·dy on cpu), summed.
      const [, reluGrad] = tf.tidy(() => {
        const x = chainPoints(start, diff, alphas);
        return [x, tf.grad((v: tf.Tensor) => tf.relu(v))(x, g)];
      });
      const expected = weightedStepSum(reluGrad, weights, n);
      assertSameFloats(sum.dataSync(), expected.dataSync(), `${label}: masked sum`);
      if (backend === "wasm") {
        assert.deepEqual(await kernelsOf(() => stepPoints(start, diff, alphas, true)), [
          "StepPoints",
        ]);
        const ran = await kernelsOf(() => weightedStepSum(g, weights, n, mask));
        assert.deepEqual(ran.filter((name) => name !== "Identity"), ["WeightedStepSum"], label);
      }
      tf.dispose([start, diff, g, points, chainRelu, sum, reluGrad, expected]);
    }
  }
  await setBackend("wasm");
});

Deno.test("with ReLU, the TypeScript loops equal the SIMD kernels bit for bit (finite values)", async () => {
  // A NaN's sign bit after arithmetic is the engine's choice (it decides ReLU of a NaN point), so
  // the loops are compared on finite values; ±0 and the sign rule are pinned below.
  await setBackend("wasm");
  const signs = new Float32Array(4);
  stepPointsInto(bits([0x80000000, 0, 0xbf800000, 0x7fc00000]), [0, 0, 0, 0], [0], signs, true);
  assert.deepEqual(Array.from(new Uint32Array(signs.buffer)), [0, 0, 0, 0x7fc00000]);
  for (const [c, { shape, k }] of CASES.entries()) {
    const size = shape.reduce((a, b) => a * b, 1);
    const [s, d, g] = [21, 22, 23].map((seed, i) =>
      values(i === 2 ? k * size : size, c + seed, false)
    );
    const alphas = steps(k, c + 600);
    const [start, diff] = [tf.tensor(s, shape), tf.tensor(d, shape)];
    const a = tf.tensor1d(alphas);
    const gt = tf.tensor(g, [k * shape[0], ...shape.slice(1)]);
    const points = new Float32Array(k * size);
    stepPointsInto(s, d, alphas, points, true);
    const attrs = { relu: true } as unknown as tf.NamedAttrMap;
    const kernelPoints = runWasmKernel("ours", "StepPoints", { start, diff, alphas: a }, attrs);
    assertSameFloats(points, read(kernelPoints), `relu points [${shape}] k=${k}`);
    const sum = new Float32Array(size);
    weightedStepSumInto(g, alphas, sum, { start: s, diff: d, alphas });
    const inputs = { g: gt, weights: a, start, diff, alphas: a };
    const kernelSum = runWasmKernel("ours", "WeightedStepSum", inputs, {});
    assertSameFloats(sum, read(kernelSum), `masked sum [${shape}] k=${k}`);
    tf.dispose([start, diff, a, gt]);
  }
});

Deno.test("`stepPoints()` and `weightedStepSum()` run the chains for int32 inputs", async () => {
  await setBackend("wasm");
  const start = tf.tensor2d([[1, 2, 3], [4, 5, 6]], undefined, "int32");
  const diff = tf.tensor2d([[1, -1, 2], [0, 3, -2]]);
  const alphas = [0.25, 1 / 3];
  const ours = stepPoints(start, diff, alphas);
  const chain = chainPoints(start, diff, alphas);
  assertSameFloats(ours.dataSync(), chain.dataSync(), "int32 start");
  assert.ok(!(await kernelsOf(() => stepPoints(start, diff, alphas))).includes("StepPoints"));
  const g = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]], undefined, "int32");
  const sum = weightedStepSum(g, [0.5, 2], 2);
  assert.equal(sum.dtype, "float32");
  assert.deepEqual(Array.from(sum.dataSync()), [10.5, 13, 15.5, 18]);
  assert.ok(!(await kernelsOf(() => weightedStepSum(g, [0.5, 2], 2))).includes("WeightedStepSum"));
  tf.dispose([start, diff, ours, chain, g, sum]);
});

Deno.test("the kernels reject inputs they do not take, naming them", async () => {
  await setBackend("wasm");
  const start = tf.tensor2d([[1, 2, 3]]);
  const diff = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const alphas = tf.tensor1d([0.5]);
  const weights = tf.tensor1d([0.5, 0.5]);
  const ids = tf.backend().numDataIds();
  assert.throws(
    () => runWasmKernel("ours", "StepPoints", { start, diff, alphas }, {}),
    new TypeError(
      "Cannot run the StepPoints kernel: start and diff must share one shape [N, …] and alphas " +
        "be [K], received [1,3], [2,3] and [1]. Use the tfjs ops instead.",
    ),
  );
  assert.throws(
    () => runWasmKernel("ours", "WeightedStepSum", { g: start, weights }, {}),
    new TypeError(
      "Cannot run the WeightedStepSum kernel: weights must be [K] (K > 0) and g [K·N, …], " +
        "received [2] and [1,3]. Use the tfjs ops instead.",
    ),
  );
  assert.equal(tf.backend().numDataIds(), ids, "nothing allocated");
  tf.dispose([start, diff, alphas, weights]);
});

Deno.test("`pathPoints()` of the layer methods is `stepPoints()` along `end − start`", async () => {
  for (const backend of ["wasm", "cpu"] as const) {
    await setBackend(backend);
    const start = tf.tensor(values(2 * 13, 41), [2, 13]);
    const end = tf.tensor(values(2 * 13, 42), [2, 13]);
    const alphas = steps(9, 43);
    const ours = noLeak(() => pathPoints(start, end, alphas), backend);
    const chain = tf.tidy(() => chainPoints(start, end.sub(start), alphas));
    assertSameFloats(ours.dataSync(), chain.dataSync(), backend);
    tf.dispose([start, end, ours, chain]);
  }
  await setBackend("wasm");
});

Deno.test("differentiating through the wasm kernels throws TensorFlow.js's missing-gradient error", async () => {
  await setBackend("wasm");
  const x = tf.tensor2d([[1, 2, 3]]);
  // (TensorFlow.js keeps the tensors its tape saved when a backward pass throws: no leak check.)
  assert.throws(
    () => tf.tidy(() => tf.grad((v: tf.Tensor) => stepPoints(v, v, [0.5, 1]).sum())(x)),
    /gradient function not found for StepPoints/,
  );
  assert.throws(
    () => tf.tidy(() => tf.grad((v: tf.Tensor) => weightedStepSum(v, [2], 1).sum())(x)),
    /gradient function not found for WeightedStepSum/,
  );
  x.dispose();
});
