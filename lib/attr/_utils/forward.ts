/**
 * Turning a `tf.LayersModel` or a forward function into one differentiable forward function.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, ModelLike } from "../types.ts";
import { attributionTypeError } from "./errors.ts";
import { modelForwardFunction } from "../../models/_model_graph.ts";
import { modelAffineExit, registerAffineExit } from "./affine_exit.ts";

/**
 * The forward functions {@linkcode toForwardFunction} made from a model (not a user's function),
 * each with its model and the model's declared output shape: each runs one fixed graph, so the
 * tensors it allocates depend on the input shapes alone.
 */
const modelForwards = new WeakMap<
  ForwardFunction,
  { model: tf.LayersModel | tf.GraphModel; outputShape?: readonly (number | null)[] }
>();

/**
 * Whether `forward` was made by {@linkcode toForwardFunction} from a `tf.LayersModel` or a
 * `tf.GraphModel`: a fixed graph, whose allocations depend on the input shapes alone (a user's
 * function may change between calls, e.g. by closing over a variable).
 */
export function runsFixedGraph(forward: ForwardFunction): boolean {
  return modelForwards.has(forward);
}

/**
 * The output shape a LayersModel's forward function (made by {@linkcode toForwardFunction})
 * declares for a batch of `batch` rows, when every axis but the batch's is known; `undefined` for
 * other forward functions. A declaration, not a guarantee: callers that rely on it check the
 * output they get.
 */
export function declaredOutputShape(forward: ForwardFunction, batch: number): number[] | undefined {
  return knownShape(modelForwards.get(forward)?.outputShape, batch);
}

/**
 * `shape` (a symbolic shape, `null` or -1 for an unknown axis) for a batch of `batch` rows, when
 * every other axis is known; else `undefined`.
 */
export function knownShape(
  shape: readonly (number | null)[] | undefined,
  batch: number,
): number[] | undefined {
  if (shape === undefined || shape.length === 0) return undefined;
  const rest = shape.slice(1);
  if (rest.some((d) => d === null || d < 0)) return undefined;
  return [batch, ...(rest as number[])];
}

/** True when `model` is a `tf.LayersModel` (Sequential or functional). */
export function isLayersModel(model: unknown): model is tf.LayersModel {
  return model instanceof tf.LayersModel;
}

/**
 * Whether `forward` is `model`'s own forward function as {@linkcode toForwardFunction} made it
 * (not a call's wrapper of it), which a worker can rebuild from the model alone.
 */
export function isModelForward(model: tf.LayersModel, forward: ForwardFunction): boolean {
  return modelForwards.get(forward)?.model === model;
}

/**
 * A differentiable forward function for `model`: a LayersModel runs layer by layer in inference
 * mode (`training: false`), its Conv2D and Dense layers as plain ops so that input gradients skip
 * the unused weight gradients (a model with several inputs takes one tensor per input, in the
 * model's order); a GraphModel runs its graph with `execute` (its ops are recorded for gradients
 * like any others); a function is used as it is.
 *
 * @throws {TypeError} naming `method` when `model` is neither, or has several outputs.
 */
export function toForwardFunction(method: string, model: ModelLike): ForwardFunction {
  if (isLayersModel(model)) {
    if (model.outputs.length !== 1) {
      throw attributionTypeError(
        method,
        "model",
        "a tf.LayersModel with one output",
        `a model with ${model.outputs.length} outputs`,
        "Wrap it in a forward function (x) => ... that returns the single output to explain.",
      );
    }
    const forward = fixedGraph(
      modelForwardFunction(model, method) as ForwardFunction,
      model,
      model.outputs[0].shape,
    );
    const exit = modelAffineExit(model);
    if (exit !== undefined) registerAffineExit(forward, exit);
    return forward;
  }
  if (model instanceof tf.GraphModel) return fixedGraph(graphModelForward(method, model), model);
  if (typeof model === "function") return model;
  throw attributionTypeError(
    method,
    "model",
    "a tf.LayersModel, a tf.GraphModel or a forward function (x: tf.Tensor) => tf.Tensor",
    model,
    "Pass the model itself (e.g. createClassifier()) or a function that runs it.",
  );
}

/**
 * `forward`, recorded as `model`'s (see {@linkcode runsFixedGraph}, {@linkcode isModelForward}),
 * with the output shape it declares (see {@linkcode declaredOutputShape}).
 */
function fixedGraph(
  forward: ForwardFunction,
  model: tf.LayersModel | tf.GraphModel,
  outputShape?: readonly (number | null)[],
): ForwardFunction {
  modelForwards.set(forward, { model, outputShape });
  return forward;
}

/**
 * A GraphModel with one input and one output as a forward function.
 *
 * @throws {TypeError} naming `method` for a model with several inputs or outputs.
 */
function graphModelForward(method: string, model: tf.GraphModel): ForwardFunction {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw attributionTypeError(
      method,
      "model",
      "a tf.GraphModel with one input and one output",
      `a graph model with ${model.inputs.length} inputs and ${model.outputs.length} outputs`,
      "Wrap it in a forward function (x) => model.execute({...}, outputName) that returns the single output to explain.",
    );
  }
  return (x) => model.execute(x) as tf.Tensor;
}

/**
 * Check that `inputs` fit the model's declared shape for input `index` (for a LayersModel or a
 * GraphModel; a forward function declares none). With a LayersModel, the attributed inputs
 * (`count` of them) and the tensors of `additionalForwardArgs` must make up its inputs.
 *
 * @throws {TypeError} naming the expected and received shapes.
 */
export function assertInputsFitModel(
  method: string,
  model: ModelLike,
  inputs: tf.Tensor,
  what = "inputs",
  index = 0,
  additionalForwardArgs?: readonly unknown[],
  count = 1,
): void {
  let expected: readonly (number | null)[]; // [null or -1, ...]
  if (isLayersModel(model)) {
    const declared = model.inputs.length;
    const given = count + (additionalForwardArgs?.length ?? 0);
    if (index === 0 && given !== declared) {
      throw attributionTypeError(
        method,
        count === 1 ? "inputs" : "inputs and additionalForwardArgs",
        `${declared} tensors for the model's ${declared} inputs (the attributed inputs, then ` +
          "the additionalForwardArgs)",
        `${count} inputs and ${given - count} additionalForwardArgs`,
        "Pass one tensor per model input: the ones to attribute as inputs (an array), the " +
          "others as additionalForwardArgs.",
      );
    }
    expected = model.inputs[index].shape;
  } else if (model instanceof tf.GraphModel && model.inputs[index]?.shape) {
    expected = model.inputs[index].shape!.map((d) => d < 0 ? null : d);
  } else return;
  const received = inputs.shape;
  const fits = expected.length === received.length &&
    expected.every((d, i) => i === 0 || d === null || d === received[i]);
  if (!fits) {
    const shown = `[${expected.map((d) => d ?? "N").join(", ")}]`;
    const whose = index === 0 && count === 1
      ? "the model's input shape"
      : `model input ${index}'s shape`;
    throw attributionTypeError(
      method,
      what,
      `a batch of ${whose} ${shown}`,
      inputs,
      `Reshape ${what} to ${shown} (NHWC; add a batch axis with expandDims(0) for one example).`,
    );
  }
}
