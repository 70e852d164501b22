/**
 * Applying one layer of a `tf.LayersModel` for attribution (inference mode, differentiable), with
 * a faster path for the layers whose tfjs-layers implementation wastes work under `tf.grad`.
 *
 * tfjs-layers runs `Conv2D` and `Dense` through `tf.fused.conv2d` / `tf.fused.matMul`, whose custom
 * gradient computes the gradients of *all* operands eagerly — the filter gradient included, which
 * attribution (gradients with respect to inputs or activations) never uses and which costs about as
 * much as the rest of the backward pass. Here those layers run as the plain ops they are made of
 * (`tf.conv2d`/`tf.matMul`, bias add, activation): same values, but each operand's gradient is only
 * computed when something asks for it. Any other layer (or configuration) uses `layer.apply`.
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
    const [kernel, bias] = layer.getWeights();
    let y: tf.Tensor = tf.conv2d(
      x as tf.Tensor4D,
      kernel as tf.Tensor4D,
      strides,
      padding,
      "NHWC",
      dilations,
    );
    if (useBias) y = tf.add(y, bias);
    return activation(y);
  };
}

function densePlan(layer: tf.layers.Layer): LayerFunction | null {
  const config = layer.getConfig() as unknown as DenseConfig;
  const activation = ACTIVATIONS[config.activation ?? "linear"];
  if (!activation) return null;
  const useBias = config.useBias ?? true;
  return (x) => {
    if (x.rank !== 2) return layer.apply(x, { training: false }) as tf.Tensor;
    const [kernel, bias] = layer.getWeights();
    let y: tf.Tensor = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
    if (useBias) y = tf.add(y, bias);
    return activation(y);
  };
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
