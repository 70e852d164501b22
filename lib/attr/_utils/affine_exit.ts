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
   * When a plain ReLU alone feeds the exit layer (directly or through a `Flatten`): the ReLU's
   * input for a batch. Backpropagation may then start there, from ReLU's gradient of the kernel's
   * columns, without running the ReLU (its output is only the skipped layer's input).
   */
  reluBody?: (x: tf.Tensor) => tf.Tensor;
  /**
   * `[units, in]`: row `t` is W's column `t` (a new tensor the caller disposes), or undefined
   * when W has a non-finite entry. Read at call time, so it follows the layer's current weights.
   */
  columns(): tf.Tensor2D | undefined;
  /**
   * W itself, `[in, units]` (the layer's tensor: not to be disposed), or undefined when it has a
   * non-finite entry. Read at call time.
   */
  kernel(): tf.Tensor2D | undefined;
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
  const feeds = (x: tf.Tensor) =>
    fromId === undefined ? inputFeeds(graph.inputIds, [x]) : new Map([[fromId, x]]);
  const runTo = (id: number) => {
    const needed = pruneSteps(graph.steps, [id], undefined, fed);
    return (x: tf.Tensor) => {
      const value = runGraph(needed, feeds(x)).get(id)!;
      // Backpropagation needs a taped op between x and the seeded tensor.
      return value === x ? x.clone() : value;
    };
  };
  const reluInput = reluBeforeExit(graph.steps, step, fed);
  return {
    body: runTo(exitInputId),
    reluBody: reluInput === undefined ? undefined : runTo(reluInput),
    columns: () => {
      const kernel = finiteKernel(step);
      return kernel && tf.transpose(kernel);
    },
    kernel: () => finiteKernel(step),
    units: step.layer.getConfig().units as number,
  };
}

/**
 * The id of a plain ReLU's input when that ReLU alone feeds `exit` (directly, or through a
 * `Flatten` that alone reads it), each step used once and nothing else reading their outputs;
 * otherwise undefined.
 */
function reluBeforeExit(
  steps: GraphStep[],
  exit: GraphStep,
  fed: ReadonlySet<number>,
): number | undefined {
  const producer = (id: number) =>
    fed.has(id) ? undefined : steps.find((s) => s.outputIds.includes(id));
  const single = (s: GraphStep) =>
    s.inputIds.length === 1 && s.outputIds.length === 1 &&
    steps.filter((t) => t.layer === s.layer).length === 1 &&
    steps.filter((t) => t.inputIds.includes(s.outputIds[0])).length === 1;
  let step = producer(exit.inputIds[0]);
  if (step?.layer.getClassName() === "Flatten" && single(step)) step = producer(step.inputIds[0]);
  if (step === undefined || !single(step)) return undefined;
  return isPlainRelu(step.layer) ? step.inputIds[0] : undefined;
}

/** Whether `layer` is a plain ReLU: a `ReLU` layer without `maxValue`, or `Activation("relu")`. */
export function isPlainRelu(layer: tf.layers.Layer): boolean {
  const config = layer.getConfig() as { activation?: string; maxValue?: number | null };
  return layer.getClassName() === "ReLU"
    ? config.maxValue === null || config.maxValue === undefined
    : layer.getClassName() === "Activation" && config.activation === "relu";
}

/** Per kernel value (its data id): whether every entry is finite. */
const finiteKernels = new WeakMap<object, boolean>();

/** The exit layer's kernel when all its entries are finite (checked once per kernel value). */
function finiteKernel(step: GraphStep): tf.Tensor2D | undefined {
  const kernel = step.layer.getWeights()[0] as tf.Tensor2D;
  const key = (kernel as unknown as { dataId: object }).dataId;
  let finite = finiteKernels.get(key);
  if (finite === undefined) {
    finite = tf.tidy(() => tf.all(tf.isFinite(kernel)).dataSync()[0] === 1);
    finiteKernels.set(key, finite);
  }
  return finite ? kernel : undefined;
}
