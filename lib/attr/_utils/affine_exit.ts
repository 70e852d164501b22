/**
 * A model's affine exit layer: when a `tf.LayersModel`'s output is computed by one `Dense` layer
 * without activation from a 2-D input `p(x)`, the model is `F(x) = p(x)·W + c`, and the gradient
 * of one output `F[t]` is `∂⟨p(x), W[:, t]⟩/∂x`: backpropagation can start at the layer's input
 * from W's column `t`. That skips the layer's forward pass and its backward matmul (on the
 * tutorial CNN, a 12,544 × 10 layer: ~8% of a gradient). The values are the same: the matmul of a
 * one-hot row with a finite `W` is exactly the column (a `W` with a non-finite entry takes the
 * ordinary path).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  type GraphStep,
  inputFeeds,
  modelGraph,
  pruneSteps,
  runGraph,
} from "../../models/_model_graph.ts";

/** What backpropagation from an affine exit needs. */
export interface AffineExit {
  /** The exit layer's input (`[N, in]`) for a batch of the forward function's input. */
  body(x: tf.Tensor): tf.Tensor;
  /**
   * `[units, in]`: row `t` is W's column `t` (a new tensor the caller disposes), or undefined
   * when W has a non-finite entry. Read at call time, so it follows the layer's current weights.
   */
  columns(): tf.Tensor2D | undefined;
  /** The exit layer's output width (the model's number of outputs). */
  units: number;
}

const exits = new WeakMap<(x: tf.Tensor) => tf.Tensor, AffineExit>();

/** Record that `forward` ends in `exit` (see the module's description). */
export function registerAffineExit(forward: (x: tf.Tensor) => tf.Tensor, exit: AffineExit): void {
  exits.set(forward, exit);
}

/** The affine exit `forward` was registered with, if any. */
export function affineExitOf(forward: (x: tf.Tensor) => tf.Tensor): AffineExit | undefined {
  return exits.get(forward);
}

/** The exit step of `model` and the graph, when the model has an affine exit layer. */
function exitStep(model: tf.LayersModel) {
  if (model.outputs.length !== 1) return undefined;
  const graph = modelGraph(model);
  const step = graph.steps.find((s) => s.outputIds.includes(graph.outputId));
  if (step === undefined || step.inputIds.length !== 1 || step.outputIds.length !== 1) {
    return undefined;
  }
  const layer = step.layer;
  if (layer.getClassName() !== "Dense") return undefined;
  if (graph.steps.filter((s) => s.layer === layer).length !== 1) return undefined;
  const config = layer.getConfig() as { activation?: string };
  if ((config.activation ?? "linear") !== "linear") return undefined;
  const inputShape = step.inputs[0].shape;
  if (inputShape.length !== 2 || model.outputs[0].shape.length !== 2) return undefined;
  return { graph, step };
}

/**
 * `model`'s affine exit as seen from its input (for the model's own forward function, one input),
 * or from the tensor `fromId` of its graph when given (e.g. an entry layer's output). Undefined
 * when the model's output is not one linear `Dense` layer on a 2-D input.
 */
export function modelAffineExit(model: tf.LayersModel, fromId?: number): AffineExit | undefined {
  const found = exitStep(model);
  if (found === undefined) return undefined;
  const { graph, step } = found;
  if (fromId === undefined && graph.inputIds.length !== 1) return undefined;
  const exitInputId = step.inputIds[0];
  const fed = new Set(fromId === undefined ? [] : [fromId]);
  const steps = pruneSteps(graph.steps, [exitInputId], undefined, fed);
  const feeds = (x: tf.Tensor) =>
    fromId === undefined ? inputFeeds(graph.inputIds, [x]) : new Map([[fromId, x]]);
  const body = (x: tf.Tensor) => {
    const value = runGraph(steps, feeds(x)).get(exitInputId)!;
    // Backpropagation needs a taped op between x and the seeded tensor.
    return value === x ? x.clone() : value;
  };
  return { body, columns: () => columnsOf(step), units: step.layer.getConfig().units as number };
}

/** Per kernel value (its data id): whether every entry is finite. */
const finiteKernels = new WeakMap<object, boolean>();

function columnsOf(step: GraphStep): tf.Tensor2D | undefined {
  const kernel = step.layer.getWeights()[0] as tf.Tensor2D;
  const key = (kernel as unknown as { dataId: object }).dataId;
  let finite = finiteKernels.get(key);
  if (finite === undefined) {
    finite = tf.tidy(() => tf.all(tf.isFinite(kernel)).dataSync()[0] === 1);
    finiteKernels.set(key, finite);
  }
  return finite ? tf.transpose(kernel) : undefined;
}
