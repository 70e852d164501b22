/**
 * Which layers the DeepLift family can explain, checked before any computation: linear layers pass
 * multipliers through, elementwise nonlinearities take the Rescale rule, max pooling and softmax
 * take Captum's rules; any other layer on the path is refused by name and class, never passed
 * through quietly.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { isReexpressed } from "../../models/_apply_layer.ts";
import { errorPrefix } from "./errors.ts";

/** Layers that are linear in their inputs (in inference mode): multipliers pass through. */
const LINEAR_LAYERS: ReadonlySet<string> = new Set([
  "InputLayer",
  "BatchNormalization",
  "AveragePooling1D",
  "AveragePooling2D",
  "AveragePooling3D",
  "GlobalAveragePooling1D",
  "GlobalAveragePooling2D",
  "Add",
  "Subtract",
  "Average",
  "Concatenate",
  "ZeroPadding2D",
  "Cropping2D",
  "UpSampling2D",
  "Reshape",
  "Flatten",
  "Permute",
  "RepeatVector",
  "Dropout",
  "SpatialDropout1D",
  "GaussianNoise",
  "GaussianDropout",
  "AlphaDropout",
  "Rescaling",
]);

/** Nonlinear layers with a rule: Rescale (elementwise), Captum's max-pooling and softmax rules. */
const RULE_LAYERS: ReadonlySet<string> = new Set([
  "ReLU",
  "LeakyReLU",
  "ELU",
  "Softmax",
  "MaxPooling1D",
  "MaxPooling2D",
  "GlobalMaxPooling2D",
]);

/** Layers whose `activation` is applied after a linear map (convolution or matmul). */
const ACTIVATED_LAYERS: ReadonlySet<string> = new Set([
  "Dense",
  "Conv1D",
  "Conv2D",
  "Conv2DTranspose",
  "Conv3D",
  "DepthwiseConv2D",
  "SeparableConv2D",
  "Activation",
]);

/** Activations with a rule (each one kernel in the attribution executor). */
const RULE_ACTIVATIONS: ReadonlySet<string> = new Set([
  "linear",
  "relu",
  "relu6",
  "sigmoid",
  "tanh",
  "elu",
  "selu",
  "softplus",
  "softmax",
]);

/** Why `layer` has no DeepLift rule, or `undefined` when it has one. */
function missingRule(layer: tf.layers.Layer): string | undefined {
  const className = layer.getClassName();
  if (LINEAR_LAYERS.has(className) || RULE_LAYERS.has(className)) return undefined;
  if (!ACTIVATED_LAYERS.has(className)) return "no DeepLift rule covers this layer kind";
  const activation = (layer.getConfig() as { activation?: string }).activation ?? "linear";
  if (!RULE_ACTIVATIONS.has(activation)) {
    return `its activation ${JSON.stringify(activation)} has no DeepLift rule`;
  }
  // A nonlinear activation fused into the layer's kernel (a configuration the attribution
  // executor cannot split, e.g. a dilated convolution) would escape the rule.
  if (activation !== "linear" && className !== "Activation" && !isReexpressed(layer)) {
    return `its activation ${JSON.stringify(activation)} is fused into the kernel in this ` +
      "configuration (dilated, channels-first or causal), so no rule can reach it";
  }
  return undefined;
}

/**
 * Throw for the first of `layers` that the DeepLift rules do not cover, naming the layer, its
 * class and the way out.
 *
 * @throws {TypeError} "Cannot compute DeepLift attributions: layer "mul" (Multiply) …".
 */
export function assertDeepLiftCovers(method: string, layers: Iterable<tf.layers.Layer>): void {
  for (const layer of layers) {
    const why = missingRule(layer);
    if (why === undefined) continue;
    throw new TypeError(
      `${errorPrefix(method)}: every layer between the inputs and the explained output must ` +
        `have a DeepLift rule, received layer ${
          JSON.stringify(layer.name)
        } (${layer.getClassName()}): ${why}. Rules cover linear layers (convolutions, dense, ` +
        "batch normalization, pooling by average, merges by sum or concatenation, padding, " +
        "reshapes, dropout), the activations relu, relu6, sigmoid, tanh, elu, selu, softplus, " +
        "softmax, LeakyReLU and max pooling. Attribute to a layer after it (LayerDeepLift) or " +
        "use IntegratedGradients, which needs no rule.",
    );
  }
}
