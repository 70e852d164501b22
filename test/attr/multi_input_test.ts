import assert from "node:assert/strict";
import {
  Deconvolution,
  DeepLift,
  DeepLiftShap,
  FeatureAblation,
  FeaturePermutation,
  GradientShap,
  GuidedBackprop,
  InputXGradient,
  IntegratedGradients,
  KernelShap,
  Lime,
  LimeBase,
  NoiseTunnel,
  Occlusion,
  Saliency,
  ShapleyValues,
  ShapleyValueSampling,
  tf,
} from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/** Captum's MultiLayer model: s = Σx; out0 = relu(s − 10) + 3·relu(s + 1) − 1, out1 the same + 1. */
const multiLayer = (x: tf.Tensor) =>
  tf.tidy(() => {
    const s = x.sum(1, true);
    const core = tf.relu(s.sub(10)).add(tf.relu(s.add(1)).mul(3));
    return tf.concat([core.sub(1), core.add(1)], 1);
  });

/** Captum's `BasicModel_MultiLayer_MultiInput`: MultiLayer(scale · (x1 + x2 + x3)). */
const multiInput = (x1: tf.Tensor, x2: tf.Tensor, x3: tf.Tensor, scale: number) =>
  multiLayer(x1.add(x2).add(x3).mul(scale));

const ids = (values: number[][]) => tf.tensor2d(values, undefined, "int32");
const inp1 = () => tf.tensor2d([[23, 100, 0], [20, 50, 30]]);
const inp2 = () => tf.tensor2d([[20, 50, 30], [0, 100, 0]]);
const inp3 = () => tf.tensor2d([[0, 100, 10], [2, 10, 3]]);

function assertEachClose(actual: tf.Tensor[], expected: number[][][], message = ""): void {
  assert.equal(actual.length, expected.length, `${message} number of attributions`);
  actual.forEach((a, i) => assertAllClose(a, expected[i], { message: `${message} [${i}]` }));
}

// Captum's tests/attr/test_feature_ablation.py: test_multi_input_ablation_with_mask.
Deno.test("`FeatureAblation.attribute()` matches Captum's multi-input masks, extras and baselines", async () => {
  const ablation = new FeatureAblation(multiInput);
  const featureMask = [ids([[1, 1, 1], [0, 1, 0]]), ids([[3, 4, 2]]), ids([[5, 6, 7], [5, 5, 5]])];
  const expected = [
    [[492, 492, 492], [200, 200, 200]],
    [[80, 200, 120], [0, 400, 0]],
    [[0, 400, 40], [60, 60, 60]],
  ];
  const inputs = [inp1(), inp2(), inp3()];
  assertEachClose(
    await ablation.attribute(inputs, { target: 0, featureMask, additionalForwardArgs: [1] }),
    expected,
  );
  // inp3 passed to the model, not attributed: expanded with the perturbations.
  for (const perturbationsPerEval of [1, 2, 3]) {
    assertEachClose(
      await ablation.attribute(inputs.slice(0, 2), {
        target: 0,
        featureMask: featureMask.slice(0, 2),
        additionalForwardArgs: [inputs[2], 1],
        perturbationsPerEval,
      }),
      expected.slice(0, 2),
      `perturbationsPerEval ${perturbationsPerEval}`,
    );
  }
  assertEachClose(
    await ablation.attribute(inputs, {
      target: 0,
      featureMask,
      additionalForwardArgs: [1],
      baselines: [2, 3, 4],
      perturbationsPerEval: 2,
    }),
    [
      [[468, 468, 468], [184, 192, 184]],
      [[68, 188, 108], [-12, 388, -12]],
      [[-16, 384, 24], [12, 12, 12]],
    ],
  );
});

// Captum's test_multi_input_ablation_with_mask_dupe_feature_idx: ids shared across inputs.
Deno.test("`FeatureAblation.attribute()` ablates an id used in several inputs' masks together", async () => {
  const featureMask = [ids([[1, 1, 1], [0, 1, 0]]), ids([[0, 1, 2]]), ids([[0, 1, 2], [0, 0, 0]])];
  const attr = await new FeatureAblation(multiInput).attribute([inp1(), inp2(), inp3()], {
    target: 0,
    featureMask,
    additionalForwardArgs: [1],
  });
  assertEachClose(attr, [
    [[1092, 1092, 1092], [260, 600, 260]],
    [[80, 1092, 160], [260, 600, 0]],
    [[80, 1092, 160], [260, 260, 260]],
  ]);
});

// Captum's tests/attr/test_occlusion.py: test_multi_input_ablation_with_mask.
Deno.test("`Occlusion.attribute()` slides each input's window with the others intact, as Captum", async () => {
  const occlusion = new Occlusion(multiInput);
  const expected = [
    [[492, 492, 492], [400, 400, 400]],
    [[80, 200, 120], [0, 400, 0]],
    [[400, 420, 440], [48, 50, 52]],
  ];
  const inputs = [inp1(), inp2(), inp3()];
  assertEachClose(
    await occlusion.attribute(inputs, {
      target: 0,
      slidingWindowShapes: [[3], [1], [2]],
      additionalForwardArgs: [1],
    }),
    expected,
  );
  for (const perturbationsPerEval of [1, 2, 3]) {
    assertEachClose(
      await occlusion.attribute(inputs.slice(0, 2), {
        target: 0,
        slidingWindowShapes: [[3], [1]],
        additionalForwardArgs: [inputs[2], 1],
        perturbationsPerEval,
      }),
      expected.slice(0, 2),
    );
  }
});

// Captum's tests/attr/test_shapley.py: test_multi_input_shapley_sampling_with_mask (its values
// are the exact Shapley values of the three cross-input features).
Deno.test("`ShapleyValues` and `ShapleyValueSampling` share features across inputs, as Captum", async () => {
  const featureMask = [ids([[1, 1, 1], [0, 1, 0]]), ids([[0, 1, 2]]), ids([[0, 1, 2], [0, 0, 0]])];
  const inputs = [inp1(), inp2(), inp3()];
  const expected = [
    [[1088.6666, 1088.6666, 1088.6666], [255, 595, 255]],
    [[76.6666, 1088.6666, 156.6666], [255, 595, 0]],
    [[76.6666, 1088.6666, 156.6666], [255, 255, 255]],
  ];
  const options = { target: 0, featureMask, additionalForwardArgs: [1] };
  const exact = await new ShapleyValues(multiInput).attribute(inputs, options);
  exact.forEach((a, i) => assertAllClose(a, expected[i], { rtol: 1e-4 }));
  // Three groups: 200 random orders average to the exact values within a few percent.
  const sampled = await new ShapleyValueSampling(multiInput).attribute(inputs, {
    ...options,
    nSamples: 200,
  });
  sampled.forEach((a, i) => assertAllClose(a, expected[i], { rtol: 0.05, atol: 10 }));
  const withBaselines = await new ShapleyValues(multiInput).attribute(inputs, {
    ...options,
    baselines: [2, 3, 4],
    perturbationsPerEval: 3,
  });
  assertEachClose(withBaselines, [
    [[1040, 1040, 1040], [184, 580, 184]],
    [[52, 1040, 132], [184, 580, -12]],
    [[52, 1040, 132], [184, 184, 184]],
  ]);
});

Deno.test("gradient methods return one gradient per input, with extras expanded", async () => {
  // F = Σ a·b·s per example: ∂F/∂a = b·s, ∂F/∂b = a·s.
  const model = (a: tf.Tensor, b: tf.Tensor, s: tf.Tensor) => a.mul(b).sum(1).mul(s);
  const a = tf.tensor2d([[1, -2], [3, 4]]);
  const b = tf.tensor2d([[5, 6], [-7, 8]]);
  const s = tf.tensor1d([1, 2]);
  const options = { additionalForwardArgs: [s] };
  assertEachClose(await new Saliency(model).attribute([a, b], options), [
    [[5, 6], [14, 16]],
    [[1, 2], [6, 8]],
  ]);
  assertEachClose(await new InputXGradient(model).attribute([a, b], options), [
    [[5, -12], [-42, 64]],
    [[5, -12], [-42, 64]],
  ]);
  // No ReLU in the model: the modified-ReLU methods give the plain gradient.
  for (const method of [new GuidedBackprop(model), new Deconvolution(model)]) {
    assertEachClose(await method.attribute([a, b], { ...options }), [
      [[5, 6], [-14, 16]],
      [[1, -2], [6, 8]],
    ]);
  }
  // A single tensor with extras: the other input is passed along, not attributed.
  assertAllClose(
    await new Saliency(model).attribute(a, { additionalForwardArgs: [b, s], abs: false }),
    [[5, 6], [-14, 16]],
  );
});

Deno.test("path methods take per-input baselines and return one attribution per input", async () => {
  // F = Σa² + s·Σb: IG from zero baselines is a² and s·b; the delta is ~0.
  const model = (a: tf.Tensor, b: tf.Tensor, s: tf.Tensor) =>
    a.square().sum(1).add(b.sum(1).mul(s));
  const a = tf.tensor2d([[1, 2], [3, -1]]);
  const b = tf.tensor2d([[5], [7]]);
  const s = tf.tensor1d([1, 2]);
  const { attributions, delta } = await new IntegratedGradients(model).attributeWithDelta([a, b], {
    additionalForwardArgs: [s],
  });
  assertEachClose(attributions, [[[1, 4], [9, 1]], [[5], [14]]]);
  assertAllClose(delta, [0, 0], { atol: 1e-4 });
  // Baselines per input: b starts at 1, so its attribution is s·(b − 1).
  assertEachClose(
    await new IntegratedGradients(model).attribute([a, b], {
      baselines: [0, tf.tensor2d([[1]])],
      additionalForwardArgs: [s],
    }),
    [[[1, 4], [9, 1]], [[4], [12]]],
  );
  // A linear model: GradientShap is w ⊙ (x − b) for every draw; DeepLift of relu(a) + b from 0.
  const linear = (x: tf.Tensor, y: tf.Tensor) =>
    x.mul(tf.tensor2d([[2, -1]])).sum(1).add(y.mul(3).sum(1));
  assertEachClose(
    await new GradientShap(linear).attribute([a, b], {
      baselines: [tf.zeros([3, 2]), tf.ones([3, 1])],
      nSamples: 4,
    }),
    [[[2, -2], [6, 1]], [[12], [18]]],
  );
  const relu = (x: tf.Tensor, y: tf.Tensor) => tf.relu(x).sum(1).add(y.sum(1));
  assertEachClose(await new DeepLift(relu).attribute([a, b]), [[[1, 2], [3, 0]], [[5], [7]]]);
  // DeepLiftShap: the mean of DeepLift against each row of the per-input distributions.
  assertEachClose(
    await new DeepLiftShap(relu).attribute([a, b], {
      baselines: [tf.tensor2d([[0, 0], [2, 0]]), tf.tensor2d([[0], [1]])],
    }),
    [[[0, 2], [2, 0]], [[4.5], [6.5]]],
  );
});

Deno.test("`NoiseTunnel.attribute()` smooths each input with its own stdevs", async () => {
  // A linear model: every noisy copy has the same gradient, so smoothgrad is exact and VarGrad 0.
  const model = (a: tf.Tensor, b: tf.Tensor) => a.mul(tf.tensor2d([[2, -1]])).sum(1).add(b.sum(1));
  const inputs = [tf.tensor2d([[1, 1]]), tf.tensor2d([[3]])];
  const nt = new NoiseTunnel(new Saliency(model));
  assertEachClose(await nt.attribute(inputs, { stdevs: [0.5, 0], ntSamples: 4 }), [
    [[2, 1]],
    [[1]],
  ]);
  assertEachClose(await nt.attribute(inputs, { ntType: "vargrad", stdevs: 1, ntSamples: 3 }), [
    [[0, 0]],
    [[0]],
  ]);
  // Input × Gradient of x²: smoothgrad of 2x² is 2(x² + σ²) in expectation; with σ = 0 for b it is
  // exact there.
  const square = (a: tf.Tensor, b: tf.Tensor) => a.square().sum(1).add(b.square().sum(1));
  const [, attrB] = await new NoiseTunnel(new InputXGradient(square)).attribute(inputs, {
    stdevs: [0.3, 0],
    ntSamples: 5,
  });
  assertAllClose(attrB, [[18]]);
});

Deno.test("`KernelShap` and `Lime` sample the features of all inputs together", async () => {
  const model = (a: tf.Tensor, b: tf.Tensor) =>
    a.mul(tf.tensor1d([1, 2])).sum(1).add(b.mul(tf.tensor1d([3])).sum(1));
  const inputs = [tf.tensor2d([[1, 1]]), tf.tensor2d([[1]])];
  const ks = await new KernelShap(model).attribute(inputs, { nSamples: 50 });
  assertEachClose(ks, [[[1, 2]], [[3]]]);
  // One feature spanning a[1] and b: its Shapley value is 2 + 3.
  const featureMask = [ids([[0, 1]]), ids([[1]])];
  assertEachClose(await new KernelShap(model).attribute(inputs, { featureMask, nSamples: 20 }), [
    [[1, 5]],
    [[5]],
  ]);
  const lime = await new Lime(model).attribute(inputs, { nSamples: 200, alpha: 0 });
  assertEachClose(lime, [[[1, 2]], [[3]]]);
});

Deno.test("`FeaturePermutation.attribute()` permutes a cross-input feature in all its inputs", async () => {
  // Two examples: the only non-identity permutation swaps them.
  const model = (a: tf.Tensor, b: tf.Tensor) => a.sum(1).add(b.mul(10).sum(1));
  const a = tf.tensor2d([[1, 2], [3, 5]]);
  const b = tf.tensor2d([[1], [2]]);
  const attr = await new FeaturePermutation(model).attribute([a, b], {
    featureMask: [ids([[0, 1]]), ids([[1]])],
  });
  // Feature 0 = a[0]: drops 1 − 3 = −2 and 2; feature 1 = a[1], b: 2 + 10 − (5 + 20) = −13, 13.
  assertEachClose(attr, [[[-2, -13], [2, 13]], [[-13], [13]]]);
});

Deno.test("a single tensor gives the same result as an array of one", async () => {
  const x = tf.tensor2d([[20, 50, 30], [-3, 4, 1]]);
  for (
    const method of [
      new FeatureAblation(multiLayer),
      new ShapleyValues(multiLayer),
      new Saliency(multiLayer),
    ]
  ) {
    const single = await method.attribute(x, { target: 1 });
    const [one] = await method.attribute([x], { target: 1 });
    assertAllClose(one, single, { rtol: 0, atol: 0, message: method.methodName });
  }
});

Deno.test("array calls leak no tensors, also when they throw", async () => {
  const featureMask = [ids([[1, 1, 1], [0, 1, 0]]), ids([[3, 4, 2]])];
  const inputs = [inp1(), inp2()];
  const extras = [inp3(), 1];
  const zeros = tf.zeros([1, 3]);
  await assertNoLeak(() =>
    new FeatureAblation(multiInput).attribute(inputs, {
      target: 0,
      featureMask,
      baselines: [zeros, 1],
      additionalForwardArgs: extras,
    })
  );
  await assertNoLeak(() =>
    new Saliency(multiInput).attribute(inputs, { target: 0, additionalForwardArgs: extras })
  );
  await assertNoLeak(() =>
    new NoiseTunnel(new Saliency(multiInput)).attribute(inputs, {
      target: 0,
      additionalForwardArgs: extras,
      ntSamples: 2,
    })
  );
  await assertNoLeak(() =>
    new Occlusion(multiInput).attribute(inputs, {
      target: 0,
      slidingWindowShapes: [[2], [1]],
      additionalForwardArgs: extras,
    })
  );
  const wrongShape = tf.zeros([2, 2]);
  const before = tf.memory().numTensors;
  await assert.rejects(
    new FeatureAblation(multiInput).attribute(inputs, {
      target: 0,
      baselines: [zeros, wrongShape],
      additionalForwardArgs: extras,
    }),
    TypeError,
  );
  await assert.rejects(
    new Saliency(multiInput).attribute(inputs, { target: 5, additionalForwardArgs: extras }),
    RangeError,
  );
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("array calls name the input, baseline or mask that does not fit", async () => {
  const ablation = new FeatureAblation(multiInput);
  const inputs = [inp1(), inp2()];
  const extras = [inp3(), 1];
  await assert.rejects(
    ablation.attribute(inputs, { baselines: [0], additionalForwardArgs: extras }),
    {
      name: "TypeError",
      message: "Cannot compute FeatureAblation attributions: baselines must be an array of 2 " +
        "entries, one per input, in the inputs' order, received [0]. Pass e.g. baselines: " +
        "[0 or tf.zerosLike(x), 0 or tf.zerosLike(x)].",
    },
  );
  await assert.rejects(
    ablation.attribute(inputs, {
      baselines: [0, tf.zeros([2, 4])],
      additionalForwardArgs: extras,
    }),
    (error: Error) => error instanceof TypeError && /baselines\[1\] must be/.test(error.message),
  );
  await assert.rejects(
    ablation.attribute(inputs, {
      featureMask: [ids([[0, 1, 2]]), ids([[0, 1]])],
      additionalForwardArgs: extras,
    }),
    (error: Error) => error instanceof TypeError && /featureMask\[1\] must be/.test(error.message),
  );
  await assert.rejects(
    ablation.attribute([inp1(), tf.ones([3, 3])], { additionalForwardArgs: extras }),
    (error: Error) =>
      error instanceof TypeError &&
      /inputs\[1\] must be a tensor with the batch size of inputs\[0\] \(2\)/.test(error.message),
  );
  await assert.rejects(
    ablation.attribute([inp1(), tf.ones([2, 3], "int32")], { additionalForwardArgs: extras }),
    (error: Error) =>
      error instanceof TypeError && /inputs\[1\] must be a float32/.test(error.message),
  );
  await assert.rejects(
    ablation.attribute(inputs, { additionalForwardArgs: [tf.ones([3, 3]), 1] }),
    (error: Error) =>
      error instanceof TypeError &&
      /additionalForwardArgs\[0\] must be a tensor with the inputs' batch size 2/.test(
        error.message,
      ),
  );
  await assert.rejects(
    ablation.attribute(inp1(), { baselines: [0] }),
    (error: Error) =>
      error instanceof TypeError &&
      /baselines must be a single value when inputs is a single tensor/.test(error.message),
  );
  await assert.rejects(
    new Occlusion(multiInput).attribute(inputs, {
      slidingWindowShapes: [[3], [4]],
      additionalForwardArgs: extras,
    }),
    (error: Error) =>
      error instanceof RangeError && /slidingWindowShapes\[1\]\[0\] must be/.test(error.message),
  );
  await assert.rejects(
    new Occlusion(multiInput).attribute(inputs, {
      slidingWindowShapes: [3],
      additionalForwardArgs: extras,
    }),
    (error: Error) =>
      error instanceof TypeError && /slidingWindowShapes must be an array of 2/.test(error.message),
  );
  await assert.rejects(
    new NoiseTunnel(new Saliency(multiInput)).attribute(inputs, {
      stdevs: [1, -1],
      additionalForwardArgs: extras,
    }),
    (error: Error) => error instanceof RangeError && /stdevs\[1\]/.test(error.message),
  );
  await assert.rejects(
    new GradientShap(multiInput).attribute(inputs, {
      baselines: [tf.zeros([2, 3]), tf.zeros([3, 3])],
      additionalForwardArgs: extras,
    }),
    (error: Error) =>
      error instanceof TypeError &&
      /baselines\[1\] must be 2 baseline rows, as baselines\[0\]/.test(error.message),
  );
  const limeBase = new LimeBase(multiInput, {
    interpretableModel: () => [0],
    similarityFunc: () => 1,
    perturbFunc: () => [1],
    perturbInterpretableSpace: true,
    fromInterpRepTransform: () => tf.zeros([1, 3]),
  });
  await assert.rejects(
    limeBase.attribute(inputs as unknown as tf.Tensor),
    (error: Error) =>
      error instanceof TypeError &&
      /fromInterpRepTransform must be returning an array of 2 inputs of one example's shapes \[1, 3\], \[1, 3\]/
        .test(error.message),
  );
});

Deno.test("a two-input tf.LayersModel takes its inputs as an array, the rest as additionalForwardArgs", async () => {
  const a = tf.input({ shape: [2] });
  const b = tf.input({ shape: [1] });
  const sum = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, useBias: false, kernelInitializer: "ones" }).apply(
    sum,
  ) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: out });
  const x = [tf.tensor2d([[1, 2]]), tf.tensor2d([[3]])];
  assertEachClose(await new InputXGradient(model).attribute(x), [[[1, 2]], [[3]]]);
  assertAllClose(
    await new InputXGradient(model).attribute(x[0], { additionalForwardArgs: [x[1]] }),
    [[1, 2]],
  );
  await assert.rejects(
    new InputXGradient(model).attribute(x[0]),
    (error: Error) =>
      error instanceof TypeError && /2 tensors for the model's 2 inputs/.test(error.message),
  );
  await assert.rejects(
    new InputXGradient(model).attribute([x[0], tf.ones([1, 2])]),
    (error: Error) =>
      error instanceof TypeError &&
      /inputs\[1\] must be a batch of model input 1/.test(error.message),
  );
});
