/**
 * Keras activations re-expressed as one TensorFlow.js kernel each, for the attribution executor.
 *
 * tfjs-layers computes some activations from several kernels (`relu6` is `minimum(6, relu(x))`, a
 * `ReLU` layer with `maxValue` is `clipByValue(relu(x))`) and fuses others into the convolution or
 * matmul kernel (`relu`, `elu`). Either way the gradient overrides of guided backpropagation,
 * deconvolution and DeepLift (which replace one kernel's gradient) would see the wrong kernel or
 * none. Here each activation is the one kernel that Captum's module would be: `relu6` is `Relu6`
 * (so guided backpropagation leaves it alone, as Captum leaves `nn.ReLU6`, and DeepLift rescales
 * it as a whole), `relu` is `Relu`, and so on.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** An activation as one differentiable op. */
export type ActivationOp = (x: tf.Tensor) => tf.Tensor;

// Keys are the names tfjs-layers serializes (`layer.getConfig().activation`).
const SINGLE_KERNEL: Record<string, ActivationOp> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  softplus: (x) => tf.softplus(x),
  softmax: (x) => tf.softmax(x, -1),
};

/**
 * The activation named `name` as one kernel, or `undefined` when tfjs-layers computes it from
 * several (softsign, hard sigmoid, swish, mish, GELU, log-softmax): those keep the layer's own
 * implementation, which is right for gradients but has no DeepLift rule.
 */
export function singleKernelActivation(name: string | undefined): ActivationOp | undefined {
  return SINGLE_KERNEL[name ?? "linear"];
}

/**
 * The `ReLU` layer's function as kernels Captum would see: `Relu`, `Relu6` when `maxValue` is 6
 * (`nn.ReLU6`), else `Relu` followed by `ClipByValue`.
 */
export function reluWithMax(maxValue: number | null | undefined): ActivationOp {
  if (maxValue === null || maxValue === undefined) return (x) => tf.relu(x);
  if (maxValue === 6) return (x) => tf.relu6(x);
  return (x) => tf.clipByValue(tf.relu(x), 0, maxValue);
}
