/**
 * A model's affine entry layer: when a `tf.LayersModel`'s one input is read by exactly one layer,
 * and that layer is affine in its input (a convolution or dense layer without activation), the
 * model is `F(x) = G(W·x + c)`. Then ∂F/∂x = Wᵀ·∂G/∂h at `h = W·x + c`, and along a straight path
 * `W·(b + α·(x − b)) + c = h_b + α·(h_x − h_b)`. A path integral of input gradients can therefore
 * run in the layer's output space and apply `Wᵀ` once per example at the end: the same integral
 * (linearity; only float rounding differs), without the layer's forward and backward pass on
 * every step. When a ReLU alone follows the layer, the steps are taken at the ReLU's output and
 * its derivative at `h` is folded into the sum over the steps (`Wᵀ·Σₖ wₖ·step(hₖ)·∂G/∂r`): the
 * ReLU's forward pass and its gradient pass are folded into the points and the sum.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { LayerTap } from "../../models/layer_tap.ts";
import { type GraphStep, modelGraph } from "../../models/_model_graph.ts";
import type { CallTarget } from "./target.ts";
import { gradientsOfTarget } from "./gradients.ts";
import { isPlainRelu, modelAffineExit, registerAffineExit } from "./affine_exit.ts";

/** Layer classes that are affine in their input whenever their activation is linear. */
const AFFINE_LAYERS = new Set([
  "Conv1D",
  "Conv2D",
  "Conv3D",
  "DepthwiseConv2D",
  "SeparableConv2D",
  "Dense",
]);

/** The affine entry layer of a model, with what a path integral needs of it. */
export interface AffineEntry {
  /** The entry layer's name. */
  readonly layer: string;
  /**
   * Whether a plain ReLU (a `ReLU` layer without `maxValue`, or `Activation("relu")`) alone reads
   * the entry layer's output: {@linkcode AffineEntry.gradients} then takes the ReLU's outputs, and
   * a path integral folds ReLU's derivative into its sum over the steps.
   */
  readonly relu: boolean;
  /** `W·x + c` for a batch of model inputs `x`. */
  apply(x: tf.Tensor): tf.Tensor;
  /**
   * ∂F/∂v[target] for a batch `v` of the layer's outputs, or of the ReLU's outputs when
   * {@linkcode AffineEntry.relu} (the caller disposes it).
   */
  gradients(method: string, v: tf.Tensor, target: CallTarget | undefined): tf.Tensor;
  /** `Wᵀ·g` for a batch `g` of the layer's output shape: the input gradient of `⟨W·x + c, g⟩`. */
  transpose(g: tf.Tensor, inputShape: readonly number[]): tf.Tensor;
}

const entries = new WeakMap<tf.LayersModel, AffineEntry | null>();

/**
 * `model`'s affine entry layer, or undefined when its input is not read by exactly one affine
 * layer without activation (several inputs, a branch that reads the input again, a shared layer,
 * an activation, or any other layer class).
 */
export function affineEntry(model: tf.LayersModel): AffineEntry | undefined {
  let entry = entries.get(model);
  if (entry === undefined) {
    entry = findAffineEntry(model);
    entries.set(model, entry);
  }
  return entry ?? undefined;
}

/** The step of a plain ReLU that alone reads `step`'s output (once), if any. */
function followingRelu(steps: GraphStep[], step: GraphStep): GraphStep | undefined {
  const readers = steps.filter((s) => s.inputIds.includes(step.outputIds[0]));
  if (readers.length !== 1) return undefined;
  const [relu] = readers;
  if (relu.inputIds.length !== 1 || relu.outputIds.length !== 1) return undefined;
  if (steps.filter((s) => s.layer === relu.layer).length !== 1) return undefined;
  return isPlainRelu(relu.layer) ? relu : undefined;
}

function findAffineEntry(model: tf.LayersModel): AffineEntry | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const { steps, inputIds } = modelGraph(model);
  const readers = steps.filter((s) => s.inputIds.includes(inputIds[0]));
  if (readers.length !== 1) return null;
  const [step] = readers;
  const layer = step.layer;
  if (step.inputIds.length !== 1 || step.outputIds.length !== 1) return null;
  if (steps.filter((s) => s.layer === layer).length !== 1) return null;
  if (!AFFINE_LAYERS.has(layer.getClassName())) return null;
  const activation = (layer.getConfig() as { activation?: string }).activation ?? "linear";
  if (activation !== "linear") return null;
  const tap = new LayerTap(model, layer);
  const noInputs = () => {
    // Unreachable: the entry layer is the input's only reader.
    throw new Error(`the model reads its input past its entry layer "${layer.name}"`);
  };
  // A ReLU that alone reads the layer's output: the steps are taken at its output.
  const relu = followingRelu(steps, step);
  const from = relu ?? step;
  const restTap = relu ? new LayerTap(model, relu.layer) : tap;
  const rest = (v: tf.Tensor) => restTap.forwardFrom(v, noInputs);
  const exit = modelAffineExit(model, from.outputIds[0]);
  if (exit !== undefined) registerAffineExit(rest, exit);
  return {
    layer: layer.name,
    relu: relu !== undefined,
    apply: (x) => tap.layerValue(x),
    gradients: (method, v, target) => gradientsOfTarget(method, rest, v, target),
    transpose: (g, inputShape) =>
      tf.tidy(() => {
        const zero = tf.zeros([g.shape[0], ...inputShape]);
        return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tap.layerValue(x), g)))(zero);
      }),
  };
}
