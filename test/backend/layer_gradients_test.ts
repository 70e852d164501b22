/**
 * Every layer kind that real networks (the tutorial CNN, MobileNets, ResNet-style blocks) are built
 * from has input and weight gradients on the `wasm` backend that agree with the `cpu` backend
 * within 1e-5 relative (max |difference| / max |cpu value|), on inputs built to tie: zero and
 * constant regions (max-pooling windows tie), exact zeros before ReLU, exact 6s before ReLU6, equal
 * maxima for global max pooling, equal operands for `Maximum`/`Minimum`.
 *
 * Each case builds the layer with `tf.layers` on each backend, gives it the same weights (plain
 * arrays), and takes `tf.grads` of a fixed random weighting of `layer.apply(x, {training: false})`
 * with respect to the inputs, and `tf.variableGrads` with respect to the trainable weights.
 */
import assert from "node:assert/strict";
import { setBackend, tf } from "../../lib/mod.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";

const TOLERANCE = 1e-5;

/** How a case's inputs are drawn. */
type InputKind =
  /** Images with a zero quadrant, a constant quadrant, tied maxima and snapped zeros. */
  | "image"
  /** Values spread over about ±8 with exact 0s and ±6s (the activations' kinks). */
  | "wide"
  /** A second operand equal to the first on half of its elements (ties between inputs). */
  | "tiedPair";

interface LayerCase {
  name: string;
  /** Builds the layer (called once on each backend). */
  make: () => tf.layers.Layer;
  /** Input shapes, batch included; several for merge layers. */
  inputs: number[][];
  kind?: InputKind;
}

/** Values of `shape` for `kind`, drawn from `rand`. */
function drawInput(rand: () => number, shape: number[], kind: InputKind): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (kind === "wide") {
    const kinks = [0, 0, 6, -6, 1, -1];
    for (let i = 0; i < n; i++) {
      out[i] = rand() < 0.3 ? kinks[Math.floor(rand() * kinks.length)] : 16 * rand() - 8;
    }
    return out;
  }
  if (shape.length !== 4) {
    // Features: repeated values and exact zeros among random ones.
    for (let i = 0; i < n; i++) {
      const u = rand();
      out[i] = u < 0.25 ? 0 : u < 0.4 ? 0.5 : 2 * rand() - 1;
    }
    return out;
  }
  const [b, h, w, c] = shape;
  let i = 0;
  for (let img = 0; img < b; img++) {
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        for (let d = 0; d < c; d++, i++) {
          if (r < h / 2 && col < w / 2) out[i] = 0; // a flat zero background
          else if (r >= h / 2 && col >= w / 2) out[i] = 0.5; // a constant region
          else if ((r + col) % 5 === 0) out[i] = 1.5; // tied maxima above everything else
          else out[i] = rand() < 0.25 ? 0 : 2 * rand() - 1;
        }
      }
    }
  }
  return out;
}

/** A layer weight's values: variances positive, every other bias entry exactly 0. */
function drawWeight(rand: () => number, name: string, shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (/variance/.test(name)) out[i] = 0.5 + rand();
    else if (/bias/.test(name) && i % 2 === 0) out[i] = 0; // exact zeros before the activation
    else out[i] = 2 * rand() - 1;
  }
  return out;
}

interface Gradients {
  output: Float32Array;
  inputs: Float32Array[];
  weights: Float32Array[];
}

/**
 * Build `c`'s layer on the active backend with `weights` (or its own initial weights' shapes,
 * filled from `rand`, when `weights` is null), and return its output and gradients.
 */
function gradientsOnActiveBackend(
  c: LayerCase,
  inputValues: Float32Array[],
  weights: Float32Array[] | null,
  rand: () => number,
  outputWeighting: (shape: number[]) => Float32Array,
): { gradients: Gradients; weights: Float32Array[]; leaked: number } {
  const layer = c.make();
  const xs = c.inputs.map((shape, i) => tf.tensor(inputValues[i], shape));
  const apply = (inputs: tf.Tensor[]) =>
    layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor;
  tf.tidy(() => apply(xs)); // builds the weights
  const own = layer.weights.map((w) =>
    weights === null ? drawWeight(rand, w.originalName, w.shape as number[]) : null
  );
  const used = weights ?? (own as Float32Array[]);
  const weightTensors = layer.weights.map((w, i) => tf.tensor(used[i], w.shape as number[]));
  layer.setWeights(weightTensors);
  tf.dispose(weightTensors);
  const before = tf.memory().numTensors;
  const y = apply(xs);
  const w = tf.tensor(outputWeighting(y.shape), y.shape);
  const objective = (...inputs: tf.Tensor[]) => tf.sum(tf.mul(apply(inputs), w)) as tf.Scalar;
  const inputGrads = tf.grads(objective)(xs);
  const trainable = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const { value, grads } = trainable.length > 0
    ? tf.variableGrads(() => objective(...xs), trainable)
    : { value: tf.scalar(0), grads: {} as tf.NamedTensorMap };
  const gradients: Gradients = {
    output: y.dataSync() as Float32Array,
    inputs: inputGrads.map((g) => g.dataSync() as Float32Array),
    weights: trainable.map((v) => grads[v.name].dataSync() as Float32Array),
  };
  tf.dispose([y, w, value, ...inputGrads, ...Object.values(grads)]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose(xs);
  tf.dispose(layer.weights.map((v) => v.read()));
  return { gradients, weights: used, leaked };
}

/** `c`'s gradients on wasm and on cpu agree within {@linkcode TOLERANCE}. */
async function assertLayerGradientsMatch(c: LayerCase, seed: number): Promise<void> {
  const rand = mulberry32(seed);
  const inputValues = c.inputs.map((shape) => drawInput(rand, shape, c.kind ?? "image"));
  if (c.kind === "tiedPair") {
    // The second operand copies the first on every other element.
    for (let k = 1; k < inputValues.length; k++) {
      const x = drawInput(rand, c.inputs[k], "image");
      for (let i = 0; i < x.length; i += 2) x[i] = inputValues[0][i];
      inputValues[k] = x;
    }
  }
  let weighting: Float32Array | null = null;
  const outputWeighting = (shape: number[]) => {
    if (weighting === null) {
      weighting = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < weighting.length; i++) weighting[i] = 2 * rand() - 1;
    }
    return weighting;
  };
  await setBackend("wasm");
  const onWasm = gradientsOnActiveBackend(c, inputValues, null, rand, outputWeighting);
  await setBackend("cpu");
  const onCpu = gradientsOnActiveBackend(c, inputValues, onWasm.weights, rand, outputWeighting);
  await setBackend("wasm");
  // No tensor left behind by the wasm kernels: as many as on cpu (tf.layers' ReLU with maxValue
  // leaks its relu intermediate on every call, on both backends).
  assert.equal(onWasm.leaked, onCpu.leaked, `${c.name}: leaked tensors`);
  const check = (what: string, a: Float32Array, b: Float32Array) => {
    const err = relativeMaxError(a, b);
    assert.ok(err <= TOLERANCE, `${c.name}: ${what} differs from cpu by ${err} (relative)`);
  };
  check("output", onWasm.gradients.output, onCpu.gradients.output);
  onCpu.gradients.inputs.forEach((g, i) =>
    check(`input ${i} gradient`, onWasm.gradients.inputs[i], g)
  );
  assert.equal(onWasm.gradients.weights.length, onCpu.gradients.weights.length);
  onCpu.gradients.weights.forEach((g, i) =>
    check(`weight ${i} gradient`, onWasm.gradients.weights[i], g)
  );
}

/** Run every case as one test step each. */
function layerTest(title: string, cases: LayerCase[], seed: number): void {
  Deno.test(title, async (t) => {
    for (const [i, c] of cases.entries()) {
      await t.step(c.name, () => assertLayerGradientsMatch(c, seed + i));
    }
  });
}

const IMAGE = [2, 8, 8, 3];
const ACTIVATIONS = ["linear", "relu", "relu6", "elu", "sigmoid", "tanh"] as const;
const GEOMETRIES = [
  { strides: 1, padding: "same" },
  { strides: 1, padding: "valid" },
  { strides: 2, padding: "same" },
  { strides: 2, padding: "valid" },
] as const;

layerTest(
  "Conv2D gradients on wasm equal cpu (strides 1/2, same/valid, each activation)",
  GEOMETRIES.flatMap((g, gi) =>
    ACTIVATIONS.map((activation, ai) => ({
      name: `Conv2D ${g.strides} ${g.padding} ${activation}`,
      make: () =>
        tf.layers.conv2d({ filters: 4, kernelSize: (gi + ai) % 2 ? 3 : 2, ...g, activation }),
      inputs: [IMAGE],
    }))
  ),
  100,
);

layerTest(
  "DepthwiseConv2D gradients on wasm equal cpu (multiplier 1/2, strides 1/2, same/valid)",
  GEOMETRIES.flatMap((g) =>
    [1, 2].flatMap((depthMultiplier) =>
      (["linear", "relu6"] as const).map((activation) => ({
        name: `DepthwiseConv2D ×${depthMultiplier} ${g.strides} ${g.padding} ${activation}`,
        make: () => tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier, ...g, activation }),
        inputs: [IMAGE],
      }))
    )
  ),
  200,
);

layerTest("SeparableConv2D gradients on wasm equal cpu", [
  ...GEOMETRIES.map((g, i) => ({
    name: `SeparableConv2D ${g.strides} ${g.padding}`,
    make: () =>
      tf.layers.separableConv2d({
        filters: 5,
        kernelSize: 3,
        depthMultiplier: 1 + (i % 2),
        ...g,
        activation: "relu",
      }),
    inputs: [IMAGE],
  })),
], 300);

const DENSE_ACTIVATIONS = [
  "linear",
  "relu",
  "relu6",
  "elu",
  "selu",
  "sigmoid",
  "hardSigmoid",
  "tanh",
  "softplus",
  "softsign",
  "softmax",
  "swish",
  "mish",
  "gelu",
  "gelu_new",
] as const;

layerTest(
  "Dense gradients on wasm equal cpu for each activation",
  DENSE_ACTIVATIONS.map((activation) => ({
    name: `Dense ${activation}`,
    make: () =>
      tf.layers.dense({
        units: 7,
        activation: activation as Parameters<typeof tf.layers.dense>[0]["activation"],
      }),
    inputs: [[3, 12]],
  })),
  400,
);

layerTest("BatchNormalization (inference) gradients on wasm equal cpu", [
  // Only the default configuration: `scale: false` / `center: false` throw in TF.js 4.22 on both
  // backends (the layer reads the missing gamma/beta); that is fixed elsewhere.
  {
    name: "BatchNormalization",
    make: () => tf.layers.batchNormalization(),
    inputs: [IMAGE],
  },
  {
    name: "BatchNormalization on features",
    make: () => tf.layers.batchNormalization({ epsilon: 1e-3 }),
    inputs: [[4, 6]],
  },
], 500);

layerTest("activation layers' gradients on wasm equal cpu at their kinks", [
  { name: "ReLU", make: () => tf.layers.reLU(), inputs: [[4, 24]], kind: "wide" },
  {
    name: "ReLU maxValue 6",
    make: () => tf.layers.reLU({ maxValue: 6 }),
    inputs: [[4, 24]],
    kind: "wide",
  },
  {
    name: "LeakyReLU",
    make: () => tf.layers.leakyReLU({ alpha: 0.2 }),
    inputs: [[4, 24]],
    kind: "wide",
  },
  { name: "ELU", make: () => tf.layers.elu(), inputs: [[4, 24]], kind: "wide" },
  { name: "Softmax", make: () => tf.layers.softmax(), inputs: [[4, 24]], kind: "wide" },
  // tf.layers' Softmax defaults to axis 1 (Keras: −1), which tf.softmax rejects on images.
  { name: "Softmax on images", make: () => tf.layers.softmax({ axis: -1 }), inputs: [IMAGE] },
  ...(["relu", "relu6", "sigmoid", "tanh", "softplus", "elu", "selu", "softmax"] as const).map(
    (activation) => ({
      name: `Activation ${activation}`,
      make: () => tf.layers.activation({ activation }),
      inputs: [[4, 24]],
      kind: "wide" as const,
    }),
  ),
], 600);

const POOLS = [
  { poolSize: 2, strides: 2, padding: "valid" },
  { poolSize: 3, strides: 2, padding: "same" },
  { poolSize: 3, strides: 1, padding: "same" },
] as const;

layerTest("pooling layers' gradients on wasm equal cpu on tied windows", [
  ...POOLS.flatMap((p) => [
    {
      name: `MaxPooling2D ${p.poolSize}/${p.strides} ${p.padding}`,
      make: () => tf.layers.maxPooling2d(p),
      inputs: [[2, 9, 8, 3]],
    },
    {
      name: `AveragePooling2D ${p.poolSize}/${p.strides} ${p.padding}`,
      make: () => tf.layers.averagePooling2d(p),
      inputs: [[2, 9, 8, 3]],
    },
  ]),
  { name: "GlobalMaxPooling2D", make: () => tf.layers.globalMaxPooling2d({}), inputs: [IMAGE] },
  {
    name: "GlobalAveragePooling2D",
    make: () => tf.layers.globalAveragePooling2d({}),
    inputs: [IMAGE],
  },
], 700);

/**
 * Keras's `Subtract` merge layer, which `tf.layers` (4.22) lacks: `inputs[0] − inputs[1]` (the
 * `Sub` kernel's gradient is what a network with it would use).
 */
class Subtract extends tf.layers.Layer {
  static className = "Subtract";
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    return tf.sub(a, b);
  }
  override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return (shapes as tf.Shape[])[0];
  }
}

layerTest("3-D layers' gradients on wasm equal cpu (volumes with tied values)", [
  {
    name: "MaxPooling3D 2/2 valid",
    make: () => tf.layers.maxPooling3d({ poolSize: 2, strides: 2 }),
    inputs: [[2, 4, 6, 4, 3]],
  },
  {
    name: "MaxPooling3D 3/2 same",
    make: () => tf.layers.maxPooling3d({ poolSize: 3, strides: 2, padding: "same" }),
    inputs: [[1, 5, 5, 6, 2]],
  },
  {
    name: "AveragePooling3D 3/2 same",
    make: () => tf.layers.averagePooling3d({ poolSize: 3, strides: 2, padding: "same" }),
    inputs: [[1, 5, 5, 6, 2]],
  },
  {
    name: "Conv3D",
    make: () => tf.layers.conv3d({ filters: 3, kernelSize: 2, activation: "relu" }),
    inputs: [[2, 4, 4, 4, 2]],
  },
  {
    name: "Conv3D 3/2 same",
    make: () => tf.layers.conv3d({ filters: 4, kernelSize: 3, strides: 2, padding: "same" }),
    inputs: [[2, 5, 6, 4, 3]],
  },
], 750);

layerTest("merge layers' gradients on wasm equal cpu, with tied operands", [
  { name: "Add", make: () => tf.layers.add(), inputs: [IMAGE, IMAGE] },
  { name: "Subtract", make: () => new Subtract(), inputs: [IMAGE, IMAGE] },
  { name: "Multiply", make: () => tf.layers.multiply(), inputs: [IMAGE, IMAGE] },
  { name: "Average", make: () => tf.layers.average(), inputs: [IMAGE, IMAGE, IMAGE] },
  { name: "Maximum", make: () => tf.layers.maximum(), inputs: [IMAGE, IMAGE], kind: "tiedPair" },
  { name: "Minimum", make: () => tf.layers.minimum(), inputs: [IMAGE, IMAGE], kind: "tiedPair" },
  {
    name: "Maximum of three",
    make: () => tf.layers.maximum(),
    inputs: [IMAGE, IMAGE, IMAGE],
    kind: "tiedPair",
  },
  {
    name: "Concatenate",
    make: () => tf.layers.concatenate(),
    inputs: [IMAGE, [2, 8, 8, 5]],
  },
  {
    name: "Concatenate axis 1",
    make: () => tf.layers.concatenate({ axis: 1 }),
    inputs: [IMAGE, [2, 4, 8, 3]],
  },
], 800);

layerTest("shape layers' gradients on wasm equal cpu", [
  {
    name: "ZeroPadding2D",
    make: () => tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }),
    inputs: [IMAGE],
  },
  { name: "Flatten", make: () => tf.layers.flatten(), inputs: [IMAGE] },
  { name: "Reshape", make: () => tf.layers.reshape({ targetShape: [16, 12] }), inputs: [IMAGE] },
  { name: "Dropout", make: () => tf.layers.dropout({ rate: 0.5 }), inputs: [IMAGE] },
  // Batch 1: the cpu backend's ResizeNearestNeighborGrad is wrong beyond the first image (see
  // the test below); the wasm one is right.
  {
    name: "UpSampling2D",
    make: () => tf.layers.upSampling2d({ size: [2, 3] }),
    inputs: [[1, 8, 8, 3]],
  },
  {
    name: "UpSampling2D bilinear",
    make: () => tf.layers.upSampling2d({ size: [2, 3], interpolation: "bilinear" }),
    inputs: [IMAGE],
  },
  {
    name: "Cropping2D",
    make: () => tf.layers.cropping2D({ cropping: [[1, 2], [3, 0]] }),
    inputs: [IMAGE],
  },
], 900);

/** A MobileNetV2-style network: stem, inverted residual blocks, max pooling, classifier. */
function mobileNetLike(): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3] });
  let x = tf.layers.conv2d({
    filters: 8,
    kernelSize: 3,
    strides: 2,
    padding: "same",
    useBias: false,
  })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  const block = (inp: tf.SymbolicTensor, strides: number, residual: boolean) => {
    let h = tf.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false }).apply(
      inp,
    ) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU({ maxValue: 6 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: "same", useBias: false })
      .apply(h) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU({ maxValue: 6 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false }).apply(
      h,
    ) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
    return residual ? tf.layers.add().apply([inp, h]) as tf.SymbolicTensor : h;
  };
  x = block(x, 1, true);
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = block(x, 2, false);
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, activation: "softmax" }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

layerTest("a MobileNetV2-style network's gradients on wasm equal cpu", [
  {
    name: "MobileNetV2-style",
    make: () => mobileNetLike() as unknown as tf.layers.Layer,
    inputs: [[2, 16, 16, 3]],
  },
], 1000);

Deno.test("UpSampling2D's input gradient on wasm at batch 2 equals its per-image gradients", async () => {
  // The cpu backend's ResizeNearestNeighborGrad (TF.js 4.22) offsets dy by the *image's* batch
  // stride, so its gradient is wrong for every image after the first; the reference here is the
  // gradient of each image alone (batch 1), where wasm and cpu agree (the case above).
  await setBackend("wasm");
  const rand = mulberry32(950);
  const shape = [3, 5, 4, 2];
  const x = tf.tensor(drawInput(rand, shape, "image"), shape);
  const w = tf.randomUniform([3, 10, 12, 2], -1, 1, "float32", 951);
  const layer = tf.layers.upSampling2d({ size: [2, 3] });
  const grad = (input: tf.Tensor, weighting: tf.Tensor) =>
    tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, weighting)))(input);
  const batched = grad(x, w);
  const perImage = tf.concat(
    [0, 1, 2].map((i) => grad(tf.slice(x, [i], [1]), tf.slice(w, [i], [1]))),
    0,
  );
  assert.ok(relativeMaxError(await batched.data(), await perImage.data()) <= TOLERANCE);
  tf.dispose([x, w, batched, perImage]);
});
