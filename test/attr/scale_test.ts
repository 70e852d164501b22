/**
 * Every attribution method and metric of `lib/mod.ts` on 224 × 224 networks with default batching
 * options on the default (wasm) backend: finite results of the right shape, nothing leaked, and a
 * chunk that cannot fit the wasm heap refused with a RangeError that leaves the runtime usable.
 * Perturbation methods get a coarse feature mask or window, as users call them; nSteps, nSamples
 * and every batching option keep their defaults.
 */
import assert from "node:assert/strict";
import {
  Deconvolution,
  DeepLift,
  DeepLiftShap,
  FeatureAblation,
  FeaturePermutation,
  GradientShap,
  gridFeatureMask,
  GuidedBackprop,
  GuidedGradCam,
  infidelity,
  InputXGradient,
  IntegratedGradients,
  InternalInfluence,
  KernelShap,
  LayerActivation,
  LayerConductance,
  LayerDeepLift,
  LayerDeepLiftShap,
  LayerFeatureAblation,
  LayerGradCam,
  LayerGradientShap,
  LayerGradientXActivation,
  LayerIntegratedGradients,
  LayerLRP,
  Lime,
  LRP,
  NeuronConductance,
  NeuronDeconvolution,
  NeuronDeepLift,
  NeuronDeepLiftShap,
  NeuronFeatureAblation,
  NeuronGradient,
  NeuronGradientShap,
  NeuronGuidedBackprop,
  NeuronIntegratedGradients,
  NoiseTunnel,
  Occlusion,
  Saliency,
  sensitivityMax,
  ShapleyValues,
  ShapleyValueSampling,
  tf,
} from "../../lib/mod.ts";
import { mobilenetV2, scaleInception, scaleMobilenet } from "../../fixtures/scale_networks.ts";

/** A 224 × 224 network and what its cases need. */
interface Net {
  label: string;
  model: tf.LayersModel;
  /** One image, and a batch of two (FeaturePermutation permutes across the batch). */
  x: tf.Tensor;
  x2: tf.Tensor;
  /** Two baselines, for the Shap methods. */
  dist: tf.Tensor;
  /** 56 × 56 blocks: 16 features per image. */
  mask: tf.Tensor;
  /**
   * 112 × 112 blocks: 4 features, for the Shapley methods (ShapleyValueSampling's default 25
   * permutations cost 25 · (features + 1) forward rows; the 16-feature mask alone takes ~30 s).
   */
  coarseMask: tf.Tensor;
  /** The layer the layer and neuron methods read, its shape, a 16-group mask of it, a neuron. */
  layer: string;
  layerShape: number[];
  layerMask: tf.Tensor;
  neuron: number[];
}

function net(label: string, model: tf.LayersModel, layer: string, seed: number): Net {
  const [, h, w, c] = model.inputs[0].shape as number[];
  const layerShape = [1, ...(model.getLayer(layer).outputShape as number[]).slice(1)];
  const [lh, lw, lc] = layerShape.slice(1);
  return {
    label,
    model,
    x: tf.randomUniform([1, h, w, c], 0, 1, "float32", seed),
    x2: tf.randomUniform([2, h, w, c], 0, 1, "float32", seed + 1),
    dist: tf.stack([tf.zeros([h, w, c]), tf.fill([h, w, c], 0.5)]),
    mask: gridFeatureMask([1, h, w, c], h / 4),
    coarseMask: gridFeatureMask([1, h, w, c], h / 2),
    layer,
    layerShape,
    layerMask: gridFeatureMask(layerShape, lh / 4),
    neuron: [Math.floor(lh / 2), Math.floor(lw / 2), lc - 1],
  };
}

const NETS = [
  net("224 × 224 × 3 MobileNet-style", scaleMobilenet(), "relu3", 7),
  net(
    "224 × 224 InceptionV3-style (BatchNormalization without scale)",
    scaleInception(),
    "concat",
    9,
  ),
];
const target = 0;

interface Case {
  name: string;
  run: () => Promise<tf.Tensor>;
  shape: number[];
}

function casesFor(
  {
    model: m,
    x,
    x2,
    dist,
    mask,
    coarseMask,
    layer: LAYER,
    layerShape: LAYER_SHAPE,
    layerMask,
    neuron: NEURON,
  }: Net,
): Case[] {
  return [
    // Primary gradient methods.
    {
      name: "IntegratedGradients",
      run: () => new IntegratedGradients(m).attribute(x, { target }),
      shape: x.shape,
    },
    { name: "Saliency", run: () => new Saliency(m).attribute(x, { target }), shape: x.shape },
    {
      name: "InputXGradient",
      run: () => new InputXGradient(m).attribute(x, { target }),
      shape: x.shape,
    },
    {
      name: "GradientShap",
      run: () => new GradientShap(m).attribute(x, { target, baselines: dist }),
      shape: x.shape,
    },
    { name: "DeepLift", run: () => new DeepLift(m).attribute(x, { target }), shape: x.shape },
    {
      name: "DeepLiftShap",
      run: () => new DeepLiftShap(m).attribute(x, { target, baselines: dist }),
      shape: x.shape,
    },
    {
      name: "GuidedBackprop",
      run: () => new GuidedBackprop(m).attribute(x, { target }),
      shape: x.shape,
    },
    {
      name: "Deconvolution",
      run: () => new Deconvolution(m).attribute(x, { target }),
      shape: x.shape,
    },
    {
      name: "GuidedGradCam",
      run: () => new GuidedGradCam(m, LAYER).attribute(x, { target }),
      shape: x.shape,
    },
    {
      name: "NoiseTunnel(Saliency)",
      run: () => new NoiseTunnel(new Saliency(m)).attribute(x, { target }),
      shape: x.shape,
    },
    // Primary perturbation methods.
    {
      name: "Occlusion",
      run: () =>
        new Occlusion(m).attribute(x, {
          target,
          slidingWindowShapes: [32, 32, x.shape[3]!],
          strides: [32, 32, x.shape[3]!],
        }),
      shape: x.shape,
    },
    {
      name: "FeatureAblation",
      run: () => new FeatureAblation(m).attribute(x, { target, featureMask: mask }),
      shape: x.shape,
    },
    {
      name: "FeaturePermutation",
      run: () => new FeaturePermutation(m).attribute(x2, { target, featureMask: mask }),
      shape: x2.shape,
    },
    {
      name: "ShapleyValueSampling",
      run: () => new ShapleyValueSampling(m).attribute(x, { target, featureMask: coarseMask }),
      shape: x.shape,
    },
    {
      name: "KernelShap",
      run: () => new KernelShap(m).attribute(x, { target, featureMask: mask }),
      shape: x.shape,
    },
    {
      name: "Lime",
      run: () => new Lime(m).attribute(x, { target, featureMask: mask }),
      shape: x.shape,
    },
    {
      name: "ShapleyValues",
      run: () => new ShapleyValues(m).attribute(x, { target, featureMask: coarseMask }),
      shape: x.shape,
    },
    // Layer methods.
    {
      name: "LayerActivation",
      run: () => new LayerActivation(m, LAYER).attribute(x),
      shape: LAYER_SHAPE,
    },
    {
      name: "LayerConductance",
      run: () => new LayerConductance(m, LAYER).attribute(x, { target }),
      shape: LAYER_SHAPE,
    },
    {
      name: "InternalInfluence",
      run: () => new InternalInfluence(m, LAYER).attribute(x, { target }),
      shape: LAYER_SHAPE,
    },
    {
      name: "LayerIntegratedGradients",
      run: () => new LayerIntegratedGradients(m, LAYER).attribute(x, { target }),
      shape: LAYER_SHAPE,
    },
    {
      name: "LayerGradientXActivation",
      run: () => new LayerGradientXActivation(m, LAYER).attribute(x, { target }),
      shape: LAYER_SHAPE,
    },
    {
      name: "LayerGradCam",
      run: () => new LayerGradCam(m, LAYER).attribute(x, { target }),
      shape: [...LAYER_SHAPE.slice(0, -1), 1],
    },
    {
      name: "LayerDeepLift",
      run: () => new LayerDeepLift(m, LAYER).attribute(x, { target }),
      shape: LAYER_SHAPE,
    },
    {
      name: "LayerDeepLiftShap",
      run: () => new LayerDeepLiftShap(m, LAYER).attribute(x, { target, baselines: dist }),
      shape: LAYER_SHAPE,
    },
    {
      name: "LayerGradientShap",
      run: () => new LayerGradientShap(m, LAYER).attribute(x, { target, baselines: dist }),
      shape: LAYER_SHAPE,
    },
    {
      name: "LayerFeatureAblation",
      run: () => new LayerFeatureAblation(m, LAYER).attribute(x, { target, layerMask }),
      shape: LAYER_SHAPE,
    },
    // Neuron methods.
    {
      name: "NeuronGradient",
      run: () => new NeuronGradient(m, LAYER).attribute(x, { neuronSelector: NEURON }),
      shape: x.shape,
    },
    {
      name: "NeuronIntegratedGradients",
      run: () => new NeuronIntegratedGradients(m, LAYER).attribute(x, { neuronSelector: NEURON }),
      shape: x.shape,
    },
    {
      name: "NeuronConductance",
      run: () => new NeuronConductance(m, LAYER).attribute(x, { neuronSelector: NEURON, target }),
      shape: x.shape,
    },
    {
      name: "NeuronGradientShap",
      run: () =>
        new NeuronGradientShap(m, LAYER).attribute(x, { neuronSelector: NEURON, baselines: dist }),
      shape: x.shape,
    },
    {
      name: "NeuronDeepLift",
      run: () => new NeuronDeepLift(m, LAYER).attribute(x, { neuronSelector: NEURON }),
      shape: x.shape,
    },
    {
      name: "NeuronDeepLiftShap",
      run: () =>
        new NeuronDeepLiftShap(m, LAYER).attribute(x, { neuronSelector: NEURON, baselines: dist }),
      shape: x.shape,
    },
    {
      name: "NeuronGuidedBackprop",
      run: () => new NeuronGuidedBackprop(m, LAYER).attribute(x, { neuronSelector: NEURON }),
      shape: x.shape,
    },
    {
      name: "NeuronDeconvolution",
      run: () => new NeuronDeconvolution(m, LAYER).attribute(x, { neuronSelector: NEURON }),
      shape: x.shape,
    },
    {
      name: "NeuronFeatureAblation",
      run: () =>
        new NeuronFeatureAblation(m, LAYER).attribute(x, {
          neuronSelector: NEURON,
          featureMask: mask,
        }),
      shape: x.shape,
    },
    // Metrics.
    {
      name: "infidelity",
      run: async () => {
        const attr = await new Saliency(m).attribute(x, { target });
        try {
          return await infidelity(
            m,
            (inputs, { seed }) => {
              const noise = tf.randomNormal(inputs.shape, 0, 0.01, "float32", seed);
              return [noise, inputs.sub(noise)];
            },
            x,
            attr,
            { target },
          );
        } finally {
          attr.dispose();
        }
      },
      shape: [1],
    },
    {
      name: "sensitivityMax",
      run: () =>
        sensitivityMax((inputs, args) => new Saliency(m).attribute(inputs, args), x, { target }),
      shape: [1],
    },
  ];
}

/** Run `run`, check its shape and finiteness, dispose it, and check nothing leaked. */
async function assertFiniteNoLeak(run: () => Promise<tf.Tensor>, shape: number[]): Promise<void> {
  const before = tf.memory().numTensors;
  const result = await run();
  try {
    assert.deepEqual(result.shape, shape);
    const values = await result.data();
    assert.ok(values.every(Number.isFinite), "non-finite values");
  } finally {
    result.dispose();
  }
  assert.equal(tf.memory().numTensors, before, "leaked tensors");
}

for (const n of NETS) {
  for (const { name, run, shape } of casesFor(n)) {
    Deno.test(`${name} on a ${n.label} network with default batching: finite, right shape, no leak`, async () => {
      await assertFiniteNoLeak(run, shape);
    });
  }
}

/**
 * MobileNetV2's real widths (3.5 M parameters, activations up to 112 × 112 × 96): before the
 * memory budget, default IntegratedGradients aborted the wasm runtime here ("table index is out of
 * bounds") and Occlusion with 32 × 32 windows at stride 16 failed with "memory access out of
 * bounds", after which every call in the process failed.
 */
Deno.test("IntegratedGradients and Occlusion (32 × 32, stride 16) with default batching on MobileNetV2's widths at 224 × 224 × 3, then an ordinary call", async () => {
  const v2 = mobilenetV2();
  const image = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 3);
  try {
    await assertFiniteNoLeak(
      () => new IntegratedGradients(v2).attribute(image, { target: 3 }),
      image.shape,
    );
    await assertFiniteNoLeak(
      () =>
        new Occlusion(v2).attribute(image, {
          target: 3,
          slidingWindowShapes: [32, 32, 3],
          strides: [16, 16, 3],
        }),
      image.shape,
    );
    await assertFiniteNoLeak(() => new Saliency(v2).attribute(image, { target: 3 }), image.shape);
  } finally {
    image.dispose();
    v2.dispose();
  }
});

Deno.test("LRP and LayerLRP refuse the MobileNet-style network at construction, naming its first layer without a rule", () => {
  // Captum's LRP has no rule for ReLU6 either (nor for softmax or separable convolutions).
  const { model: m, layer } = NETS[0];
  for (const make of [() => new LRP(m), () => new LayerLRP(m, layer)]) {
    assert.throws(make, (e: unknown) =>
      e instanceof TypeError &&
      /^Cannot compute (Layer)?LRP attributions: .*received layer "[\w]+" \((ReLU|SeparableConv2D|Activation|Dense)\)/
        .test(e.message));
  }
});

Deno.test("a chunk too large for the wasm heap is a RangeError naming the option, and the next call works", async () => {
  assert.equal(tf.getBackend(), "wasm");
  const { model: m, x } = NETS[0];
  const before = tf.memory().numTensors;
  await assert.rejects(
    () => new IntegratedGradients(m).attribute(x, { target, nSteps: 400, internalBatchSize: 400 }),
    (e: unknown) =>
      e instanceof RangeError &&
      /^Cannot compute IntegratedGradients attributions: a chunk of 400 rows needs about \d+ MiB \(\d+ MiB per row, forward and backward\), more than the \d+ MiB the wasm heap can still hold, received internalBatchSize=400\. Lower internalBatchSize \(at most \d+ rows fit/
        .test(e.message),
  );
  await assert.rejects(
    () =>
      new Occlusion(m).attribute(x, {
        target,
        slidingWindowShapes: [1, 1, 3],
        perturbationsPerEval: 50000,
      }),
    (e: unknown) =>
      e instanceof RangeError &&
      /^Cannot compute Occlusion attributions: a chunk of 50000 rows .*, forward\), .*received perturbationsPerEval=50000\. Lower perturbationsPerEval/
        .test(e.message),
  );
  await assert.rejects(
    () =>
      new NoiseTunnel(new Saliency(m)).attribute(x, {
        target,
        ntSamples: 1000,
        ntSamplesBatchSize: 1000,
      }),
    /Cannot compute NoiseTunnel attributions: .*received ntSamplesBatchSize=1000\. Lower ntSamplesBatchSize/,
  );
  await assert.rejects(
    () =>
      infidelity(m, (inputs) => [tf.zerosLike(inputs), inputs.clone()], x, tf.zerosLike(x), {
        target,
        nPerturbSamples: 1000,
        maxExamplesPerBatch: 1000,
      }),
    /^RangeError: Cannot compute infidelity: .*received maxExamplesPerBatch=1000\. Lower maxExamplesPerBatch/,
  );
  assert.equal(tf.memory().numTensors, before + 1); // the zerosLike given to infidelity above
  // The runtime was not aborted: ordinary calls still work.
  await assertFiniteNoLeak(() => new Saliency(m).attribute(x, { target }), x.shape);
  await assertFiniteNoLeak(
    () => new IntegratedGradients(m).attribute(x, { target, nSteps: 4, internalBatchSize: 4 }),
    x.shape,
  );
});
