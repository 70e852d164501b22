/**
 * Applying one layer of a `tf.LayersModel` for attribution (inference mode, differentiable), with
 * a faster path for the layers whose tfjs-layers implementation wastes work under `tf.grad`.
 *
 * tfjs-layers runs `Conv2D` and `Dense` through `tf.fused.conv2d` / `tf.fused.matMul`, whose custom
 * gradient computes the gradients of *all* operands eagerly — the filter gradient included, which
 * attribution (gradients with respect to inputs or activations) never uses and which costs about as
 * much as the rest of the backward pass. Here a Conv2D or Dense layer with a bias runs as one fused
 * kernel (convolution or matmul, plus bias) called directly (the ops' wrappers cost ~30 µs a call),
 * wrapped in a custom gradient with respect to its input only — `conv2dTranspose(dy, kernel)` or
 * `dy·kernelᵀ`, computed when asked; without a bias, as the plain op. The activation follows as its
 * own op, so gradient overrides (guided backpropagation, DeepLift) reach it. The weights enter as
 * constants: gradients with respect to them are not available through this path (attribution never
 * takes them; training uses the model itself).
 *
 * Other layers are re-expressed so that attribution sees what Captum sees on the PyTorch twin:
 * - every activation, fused (`Conv2D`, `DepthwiseConv2D`, `SeparableConv2D`, `Dense`) or a layer
 *   (`Activation`, `ReLU` with or without `maxValue`), runs as its own single kernel
 *   (`_activations.ts`), so gradient overrides reach it;
 * - `BatchNormalization` (inference) is `x·a + b`, differentiable also without `scale`/`center`;
 * - `GlobalMaxPooling2D` is one `MaxPool` (the gradient picks the first maximum at ties);
 * - `Dense` on inputs of rank > 2 acts on the last axis.
 *
 * Any other layer or configuration uses `layer.apply`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { reluWithMax, singleKernelActivation } from "./_activations.ts";

type LayerFunction = (input: tf.Tensor) => tf.Tensor;

type TwoInts = number | [number, number];

interface ConvConfig {
  strides: TwoInts;
  padding: "same" | "valid" | "causal";
  dataFormat?: "channelsFirst" | "channelsLast";
  dilationRate?: TwoInts;
  activation?: string;
  useBias?: boolean;
}

interface DenseConfig {
  activation?: string;
  useBias?: boolean;
}

/** The `BatchNormalization` config fields the executors read. */
export interface BatchNormalizationConfig {
  axis?: number;
  epsilon?: number;
  scale?: boolean;
  center?: boolean;
}

/** The variables of a `BatchNormalization` layer (tfjs-layers' fields, absent when disabled). */
export interface BatchNormalizationVariables {
  gamma?: { read(): tf.Tensor };
  beta?: { read(): tf.Tensor };
  movingMean: { read(): tf.Tensor };
  movingVariance: { read(): tf.Tensor };
}

const plans = new WeakMap<tf.layers.Layer, LayerFunction | null>();

function isDilated(config: ConvConfig): boolean {
  return [config.dilationRate ?? 1].flat().some((d) => d !== 1);
}

/** Whether the executor can run a convolution of this configuration as plain NHWC ops. */
function plainConvolution(config: ConvConfig): boolean {
  return config.dataFormat !== "channelsFirst" && config.padding !== "causal" && !isDilated(config);
}

/**
 * How a convolution layer maps its input to the pre-activation output, given its weights (the
 * bias last when `useBias`), strides and padding.
 */
type ConvolutionOp = (
  x: tf.Tensor4D,
  weights: tf.Tensor[],
  strides: TwoInts,
  padding: "same" | "valid",
  useBias: boolean,
) => tf.Tensor;

/**
 * The plan of a convolution layer: `op` followed by its activation as one kernel, or `null` (keep
 * `layer.apply`) for dilated, channels-first or causal configurations and activations tfjs-layers
 * computes from several kernels. Dilated convolutions have no gradient in TF.js either way.
 */
function convolutionPlan(layer: tf.layers.Layer, op: ConvolutionOp): LayerFunction | null {
  const config = layer.getConfig() as unknown as ConvConfig;
  const activation = singleKernelActivation(config.activation);
  if (!plainConvolution(config) || !activation) return null;
  const { strides, padding } = config as { strides: TwoInts; padding: "same" | "valid" };
  const useBias = config.useBias ?? true;
  return (x) => activation(op(x as tf.Tensor4D, layer.getWeights(), strides, padding, useBias));
}

/** `y + bias` when the layer has a bias (its last weight). */
function withBias(y: tf.Tensor, weights: tf.Tensor[], useBias: boolean): tf.Tensor {
  return useBias ? y.add(weights[weights.length - 1]) : y;
}

const conv2DPlan = (layer: tf.layers.Layer) =>
  convolutionPlan(
    layer,
    (x, [kernel, bias], strides, padding, useBias) =>
      useBias
        ? conv2DWithBias(x, kernel as tf.Tensor4D, bias as tf.Tensor1D, strides, padding)
        : tf.conv2d(x, kernel as tf.Tensor4D, strides, padding),
  );

const depthwiseConv2DPlan = (layer: tf.layers.Layer) =>
  convolutionPlan(layer, (x, weights, strides, padding, useBias) =>
    withBias(
      tf.depthwiseConv2d(x, weights[0] as tf.Tensor4D, strides, padding),
      weights,
      useBias,
    ));

const separableConv2DPlan = (layer: tf.layers.Layer) =>
  convolutionPlan(layer, (x, weights, strides, padding, useBias) =>
    withBias(
      tf.separableConv2d(
        x,
        weights[0] as tf.Tensor4D,
        weights[1] as tf.Tensor4D,
        strides,
        padding,
      ),
      weights,
      useBias,
    ));

/**
 * `conv2d(x, kernel) + bias` in one fused pass, differentiable with respect to `x` only (see the
 * module note).
 */
function conv2DWithBias(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: TwoInts,
  padding: "same" | "valid",
): tf.Tensor4D {
  // The kernels are called directly: the ops' wrappers (validation, and fused.conv2d's own custom
  // gradient) cost ~30 µs a call, a tenth of a one-image convolution.
  const geometry = { strides, pad: padding, dataFormat: "NHWC", dimRoundingMode: undefined };
  const op = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc) => {
    const x4 = input as tf.Tensor4D;
    const value = tf.engine().runKernel("FusedConv2D", { x: x4, filter: kernel, bias }, {
      ...geometry,
      dilations: [1, 1],
      activation: "linear",
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    const gradFunc = (dy: tf.Tensor) =>
      tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: kernel }, {
        ...geometry,
        inputShape: x4.shape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    return { value, gradFunc };
  });
  return op(x) as tf.Tensor4D;
}

function densePlan(layer: tf.layers.Layer): LayerFunction | null {
  const config = layer.getConfig() as unknown as DenseConfig;
  const activation = singleKernelActivation(config.activation);
  if (!activation) return null;
  const useBias = config.useBias ?? true;
  return (x) => {
    const [kernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    // Dense acts on the last axis: higher-rank inputs run as one matrix of rows.
    const rows = x.rank === 2 ? x as tf.Tensor2D : x.reshape([-1, kernel.shape[0]]) as tf.Tensor2D;
    const y = useBias ? denseWithBias(rows, kernel, bias) : tf.matMul(rows, kernel);
    return activation(x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), kernel.shape[1]]));
  };
}

/**
 * `x·kernel + bias` as one fused kernel, differentiable with respect to `x` only (`dy·kernelᵀ`),
 * like {@linkcode conv2DWithBias}.
 */
function denseWithBias(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const [k, n] = kernel.shape;
  const op = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc) => {
    const m = (input as tf.Tensor).shape[0];
    // The kernel takes 3-D operands (a batch of matrices).
    const a = (input as tf.Tensor).reshape([1, m, k]);
    const value =
      (tf.engine().runKernel("_FusedMatMul", { a, b: kernel.reshape([1, k, n]), bias }, {
        transposeA: false,
        transposeB: false,
        activation: "linear",
      } as unknown as tf.NamedAttrMap) as tf.Tensor).reshape([m, n]) as tf.Tensor2D;
    const gradFunc = (dy: tf.Tensor) =>
      tf.engine().runKernel("BatchMatMul", { a: dy, b: kernel }, {
        transposeA: false,
        transposeB: true,
      } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
    return { value, gradFunc };
  });
  return op(x) as tf.Tensor2D;
}

/**
 * Inference-mode batch normalization as `x·a + b` with `a = γ/√(σ² + ε)` and `b = β − μ·a` (γ = 1
 * without `scale`, β = 0 without `center`). TF.js 4.22's own `batchNorm` gradient throws when
 * `scale` or `center` is false (the missing operand is read as a tensor), which breaks every
 * gradient through Keras's InceptionV3; this form has the same value and a plain gradient.
 */
function batchNormalizationPlan(layer: tf.layers.Layer): LayerFunction {
  const config = layer.getConfig() as unknown as BatchNormalizationConfig;
  const epsilon = config.epsilon ?? 1e-3;
  const variables = layer as unknown as BatchNormalizationVariables;
  return (x) => {
    const axis = (config.axis ?? -1) < 0 ? x.rank + (config.axis ?? -1) : config.axis!;
    const shape = x.shape.map((d, i) => (i === axis ? d : 1));
    const inverseStd = tf.rsqrt(variables.movingVariance.read().add(epsilon));
    const a = config.scale === false ? inverseStd : inverseStd.mul(variables.gamma!.read());
    const shift = variables.movingMean.read().mul(a).neg();
    const b = config.center === false ? shift : shift.add(variables.beta!.read());
    return x.mul(a.reshape(shape)).add(b.reshape(shape));
  };
}

function reluPlan(layer: tf.layers.Layer): LayerFunction {
  const { maxValue } = layer.getConfig() as { maxValue?: number | null };
  return reluWithMax(maxValue);
}

function activationPlan(layer: tf.layers.Layer): LayerFunction | null {
  const { activation } = layer.getConfig() as { activation?: string };
  return singleKernelActivation(activation) ?? null;
}

/**
 * Global max pooling as one `MaxPool` over the whole image, as PyTorch's max pooling: at ties the
 * gradient goes to the first maximum (tfjs-layers' `max` over the axes sends it to every tied
 * element), and DeepLift's max-pooling rule applies.
 */
function globalMaxPooling2DPlan(layer: tf.layers.Layer): LayerFunction | null {
  const config = layer.getConfig() as { dataFormat?: string; keepDims?: boolean };
  if (config.dataFormat === "channelsFirst") return null;
  return (x) => {
    const [n, h, w, c] = x.shape;
    const pooled = tf.maxPool(x as tf.Tensor4D, [h, w], [h, w], "valid");
    return config.keepDims ? pooled : pooled.reshape([n, c]);
  };
}

const PLANS: Record<string, (layer: tf.layers.Layer) => LayerFunction | null> = {
  Conv2D: conv2DPlan,
  DepthwiseConv2D: depthwiseConv2DPlan,
  SeparableConv2D: separableConv2DPlan,
  Dense: densePlan,
  BatchNormalization: batchNormalizationPlan,
  ReLU: reluPlan,
  Activation: activationPlan,
  GlobalMaxPooling2D: globalMaxPooling2DPlan,
};

function planFor(layer: tf.layers.Layer): LayerFunction | null {
  let plan = plans.get(layer);
  if (plan === undefined) {
    plan = PLANS[layer.getClassName()]?.(layer) ?? null;
    plans.set(layer, plan);
  }
  return plan;
}

/**
 * `layer.apply(inputs, { training: false })` on concrete tensors, with the layers of the module
 * note re-expressed as plain ops. Tensors created are left to the caller's `tf.tidy`.
 */
export function applyLayer(
  layer: tf.layers.Layer,
  inputs: tf.Tensor | tf.Tensor[],
): tf.Tensor | tf.Tensor[] {
  if (!Array.isArray(inputs)) {
    const plan = planFor(layer);
    if (plan !== null) return plan(inputs);
  }
  return layer.apply(inputs, { training: false }) as tf.Tensor | tf.Tensor[];
}

/** Whether {@linkcode applyLayer} runs `layer` as its own re-expression (see the module note). */
export function isReexpressed(layer: tf.layers.Layer): boolean {
  return planFor(layer) !== null;
}
