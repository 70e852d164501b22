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
 * takes them; training uses the model itself). Any other layer or configuration uses `layer.apply`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

type LayerFunction = (input: tf.Tensor) => tf.Tensor;

// Activations re-expressed as plain ops (the separate ops let gradient overrides reach them).
const ACTIVATIONS: Record<string, ((x: tf.Tensor) => tf.Tensor) | undefined> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
};

interface Conv2DConfig {
  strides: number | [number, number];
  padding: "same" | "valid" | "causal";
  dataFormat?: "channelsFirst" | "channelsLast";
  dilationRate?: number | [number, number];
  activation?: string;
  useBias?: boolean;
}

interface DenseConfig {
  activation?: string;
  useBias?: boolean;
}

const plans = new WeakMap<tf.layers.Layer, LayerFunction | null>();

function conv2DPlan(layer: tf.layers.Layer): LayerFunction | null {
  const config = layer.getConfig() as unknown as Conv2DConfig;
  const activation = ACTIVATIONS[config.activation ?? "linear"];
  const dilations = config.dilationRate ?? 1;
  const dilated = [dilations].flat().some((d) => d !== 1);
  // Dilated convolutions keep layer.apply (TF.js has no gradient for them either way).
  if (
    config.dataFormat === "channelsFirst" || config.padding === "causal" || dilated || !activation
  ) {
    return null;
  }
  const strides = config.strides;
  const padding = config.padding;
  const useBias = config.useBias ?? true;
  return (x) => {
    const [kernel, bias] = layer.getWeights() as [tf.Tensor4D, tf.Tensor1D];
    const y = useBias
      ? conv2DWithBias(x as tf.Tensor4D, kernel, bias, strides, padding)
      : tf.conv2d(x as tf.Tensor4D, kernel, strides, padding);
    return activation(y);
  };
}

/**
 * `conv2d(x, kernel) + bias` in one fused pass, differentiable with respect to `x` only (see the
 * module note).
 */
function conv2DWithBias(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: number | [number, number],
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
  const activation = ACTIVATIONS[config.activation ?? "linear"];
  if (!activation) return null;
  const useBias = config.useBias ?? true;
  return (x) => {
    if (x.rank !== 2) return layer.apply(x, { training: false }) as tf.Tensor;
    const [kernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    return activation(
      useBias ? denseWithBias(x as tf.Tensor2D, kernel, bias) : tf.matMul(x as tf.Tensor2D, kernel),
    );
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

function planFor(layer: tf.layers.Layer): LayerFunction | null {
  let plan = plans.get(layer);
  if (plan === undefined) {
    const name = layer.getClassName();
    plan = name === "Conv2D" ? conv2DPlan(layer) : name === "Dense" ? densePlan(layer) : null;
    plans.set(layer, plan);
  }
  return plan;
}

/**
 * `layer.apply(inputs, { training: false })` on concrete tensors, with `Conv2D` and `Dense` run as
 * plain ops (see the module note). Tensors created are left to the caller's `tf.tidy`.
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
