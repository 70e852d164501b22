import assert from "node:assert/strict";
import { KernelShap, Lime, LimeBase, type LimeBaseConfig, tf } from "../../lib/mod.ts";
import { weightedLeastSquares } from "../../lib/attr/_utils/linear_regression.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = [1, -2, 3, 0.5];
const weights = tf.tensor1d(w);
const linear = (x: tf.Tensor) => x.mul(weights).sum(1);
const leastSquares = (x: Float32Array, y: Float64Array, w: Float64Array, r: number, c: number) =>
  weightedLeastSquares(x, y, w, r, c).coef;

/** Sampling in the input space: Gaussian noise around the example; the input is its own representation. */
const inputSpace: LimeBaseConfig = {
  interpretableModel: leastSquares,
  similarityFunc: () => 1,
  perturbFunc: (x, { random }) =>
    x.add(tf.tensor(Array.from({ length: x.size }, () => random.normal()), x.shape)),
  toInterpRepTransform: (p) => p.reshape([-1]),
};

Deno.test("`LimeBase.attribute()` with plain least squares recovers a linear model's weights exactly", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4], [-1, 0, 5, 2]]);
  const coefs = await new LimeBase(linear, inputSpace).attribute(x, { nSamples: 12, seed: 1 });
  assert.deepEqual(coefs.shape, [2, 4]);
  assertAllClose(coefs, [w, w], { atol: 1e-4 });
});

Deno.test("`LimeBase.attribute()` in the interpretable space: binary samples give w·(x − baseline) per group", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const featureMask = tf.tensor2d([[0, 0, 1, 2]], undefined, "int32");
  const limeBase = new LimeBase(linear, {
    interpretableModel: leastSquares,
    similarityFunc: () => 1,
    perturbFunc: (_x, { random, numFeatures }) =>
      Array.from({ length: numFeatures }, () => (random.next() < 0.5 ? 1 : 0)),
    perturbInterpretableSpace: true,
    fromInterpRepTransform: (z, example, { featureIds, baselines }) => {
      const keep = tf.tensor(Float32Array.from(featureIds, (f) => z[f]), example.shape);
      return example.mul(keep).add(baselines.mul(tf.scalar(1).sub(keep)));
    },
  });
  const coefs = await limeBase.attribute(x, { nSamples: 20, featureMask, baselines: 1, seed: 3 });
  // Group 0: 1·(1 − 1) − 2·(2 − 1) = −2; group 1: 3·(3 − 1) = 6; group 2: 0.5·(4 − 1) = 1.5.
  assertAllClose(coefs, [[-2, 6, 1.5]], { atol: 1e-4 });
  const chunked = await limeBase.attribute(x, {
    nSamples: 20,
    featureMask,
    baselines: 1,
    seed: 3,
    perturbationsPerEval: 3,
  });
  assertAllClose(chunked, coefs, { atol: 1e-5 });
});

Deno.test("`LimeBase` takes an interpretable model object with fit() and coefficients()", async () => {
  let fits = 0;
  let last: ArrayLike<number> = [];
  const model = {
    fit(x: Float32Array, y: Float64Array, wt: Float64Array, rows: number, cols: number) {
      fits++;
      last = leastSquares(x, y, wt, rows, cols);
    },
    coefficients: () => last,
  };
  const x = tf.tensor2d([[1, 2, 3, 4], [0, 1, 0, 1]]);
  const coefs = await new LimeBase(linear, { ...inputSpace, interpretableModel: model })
    .attribute(x, { nSamples: 10 });
  assert.equal(fits, 2); // one interpretable model per example
  assertAllClose(coefs, [w, w], { atol: 1e-4 });
});

Deno.test("`LimeBase` with Lime's and KernelShap's parts gives their coefficients (same draws)", async () => {
  const f = (x: tf.Tensor) => x.square().mul(weights).sum(1);
  const x = tf.tensor2d([[1, 2, 3, 4], [0.5, -1, 2, 1]]);
  const featureMask = tf.tensor2d([[0, 1, 1, 2]], undefined, "int32");
  for (const explainer of [new Lime(f), new KernelShap(f)]) {
    const name = explainer.methodName;
    const viaBase = await new LimeBase(f, explainer).attribute(x, {
      nSamples: 30,
      featureMask,
      baselines: 0.5,
      seed: 7,
    });
    const direct = await explainer.attribute(x, {
      nSamples: 30,
      featureMask,
      baselines: 0.5,
      seed: 7,
    });
    // Lime returns the inputs' shape: columns 0, 1, 3 hold groups 0, 1, 2.
    const groups = tf.gather(direct, tf.tensor1d([0, 1, 3], "int32"), 1);
    assertAllClose(viaBase, groups, { rtol: 1e-5, atol: 1e-5, message: name });
  }
});

Deno.test("`Lime` with a custom interpretable model runs LimeBase's path and returns the inputs' shape", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const lime = new Lime(linear, { interpretableModel: leastSquares });
  const attr = await lime.attribute(x, { nSamples: 30, baselines: 1, seed: 2 });
  // Least squares on binary samples of a linear model: exactly w·(x − baseline).
  assertAllClose(attr, [[0, -2, 6, 1.5]], { atol: 1e-4 });
  assert.equal(lime.interpretableModel, leastSquares);
});

Deno.test("`LimeBase` leaks nothing and names missing parts and wrong samples", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const limeBase = new LimeBase(linear, inputSpace);
  await assertNoLeak(() => limeBase.attribute(x, { nSamples: 6 }));
  assert.throws(() => new LimeBase(linear, { ...inputSpace, toInterpRepTransform: undefined }), {
    name: "TypeError",
    message:
      /^Cannot compute LimeBase attributions: toInterpRepTransform must be a function, received undefined\. Sampling in the input space needs the transform to the interpretable space\./,
  });
  assert.throws(
    () => new LimeBase(linear, { ...inputSpace, perturbInterpretableSpace: true }),
    /fromInterpRepTransform must be a function/,
  );
  assert.throws(
    () => new LimeBase(linear, { ...inputSpace, interpretableModel: {} as never }),
    /interpretableModel must be a fitting function/,
  );
  const wrong = new LimeBase(linear, { ...inputSpace, perturbFunc: () => tf.ones([1, 3]) });
  const before = tf.memory().numTensors;
  await assert.rejects(() => wrong.attribute(x, { nSamples: 4 }), {
    name: "TypeError",
    message:
      /^Cannot compute LimeBase attributions: perturbFunc must be returning an input of one example's shape \[1, 4\]/,
  });
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(() => limeBase.attribute(x, { nSamples: 0 }), RangeError);
});

Deno.test("`LimeBase` on an array of inputs: the functions get and return arrays, one surrogate over both", async () => {
  const wa = tf.tensor2d([[1, -2], [3, 0.5]]);
  const wb = tf.tensor1d([4, -1]);
  const f = (a: tf.Tensor, b: tf.Tensor) => a.mul(wa).sum([1, 2]).add(b.mul(wb).sum(1));
  const x = [tf.tensor3d([[[1, 2], [3, 4]]]), tf.tensor2d([[2, -1]])];
  const featureMask = [
    tf.tensor3d([[[0, 0], [1, 1]]], undefined, "int32"),
    tf.tensor2d([[2, 3]], undefined, "int32"),
  ];
  const seen: number[][][] = [];
  const limeBase = new LimeBase(f as (x: tf.Tensor) => tf.Tensor, {
    interpretableModel: leastSquares,
    similarityFunc: (example: tf.Tensor[], perturbed: tf.Tensor[]) => {
      seen.push([...example, ...perturbed].map((t) => t.shape));
      return 1;
    },
    perturbFunc: (_x, { random, numFeatures }) =>
      Array.from({ length: numFeatures }, () => (random.next() < 0.5 ? 1 : 0)),
    perturbInterpretableSpace: true,
    fromInterpRepTransform: (z, example, { featureIds, baselines }) =>
      example.map((e, i) =>
        tf.tidy(() => {
          const keep = tf.tensor(Float32Array.from(featureIds[i], (f) => z[f]), e.shape);
          return e.mul(keep).add(baselines[i].mul(tf.scalar(1).sub(keep)));
        })
      ),
  });
  const options = { nSamples: 40, featureMask, baselines: [0, 1], seed: 3 };
  const coefs = await limeBase.attribute(x, options);
  // Binary samples of a linear model: each group's Σ w·(x − baseline).
  assertAllClose(coefs, [[1 - 4, 9 + 2, 4, 2]], { atol: 1e-4 });
  assert.deepEqual(seen[0], [[1, 2, 2], [1, 2], [1, 2, 2], [1, 2]]);
  // Lime with a custom part takes the same path; its default parts split per input too.
  const lime = new Lime(f as (x: tf.Tensor) => tf.Tensor, { interpretableModel: leastSquares });
  const [ga, gb] = await lime.attribute(x, options);
  assertAllClose(ga, [[[-3, -3], [11, 11]]], { atol: 1e-4 });
  assertAllClose(gb, [[4, 2]], { atol: 1e-4 });
  await assertNoLeak(() => limeBase.attribute(x, options));
  await assertNoLeak(() => lime.attribute(x, options));
});

Deno.test("`LimeBase` on an array of inputs in the input space, and its refusals naming the part", async () => {
  const f = (a: tf.Tensor, b: tf.Tensor) => a.mul(tf.tensor1d([1, -2])).sum(1).add(b.mul(3).sum(1));
  const x = [tf.tensor2d([[1, 2], [0, 1]]), tf.tensor2d([[2], [-1]])];
  const config: LimeBaseConfig<tf.Tensor[]> = {
    interpretableModel: leastSquares,
    similarityFunc: () => 1,
    perturbFunc: (example, { random }) =>
      example.map((e) =>
        e.add(tf.tensor(Array.from({ length: e.size }, () => random.normal()), e.shape))
      ),
    toInterpRepTransform: (p) => tf.concat(p.map((t) => t.reshape([-1]))),
  };
  const forward = f as (x: tf.Tensor) => tf.Tensor;
  const coefs = await new LimeBase(forward, config).attribute(x, { nSamples: 12, seed: 1 });
  assertAllClose(coefs, [[1, -2, 3], [1, -2, 3]], { atol: 1e-4 });
  const wrong = new LimeBase(forward, { ...config, perturbFunc: (example) => [example[0]] });
  await assertNoLeak(async () => {
    await assert.rejects(wrong.attribute(x), {
      name: "TypeError",
      message:
        /^Cannot compute LimeBase attributions: perturbFunc must be returning an array of 2 inputs of one example's shapes \[1, 2\], \[1, 1\], in the inputs' order/,
    });
  });
  await assert.rejects(
    new LimeBase(forward, config).attribute(x, {
      baselines: 0 as never,
      featureMask: tf.ones([1, 2]) as never,
    }),
    {
      name: "TypeError",
      message: /featureMask must be an array of 2 entries, one per input/,
    },
  );
});
