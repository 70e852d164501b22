/**
 * The layer graph of a `tf.LayersModel` as a list of steps in topological order, and an executor
 * that runs steps on concrete tensors (inference mode, differentiable). Shared by the model's
 * forward function for attribution and by {@linkcode LayerTap}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { applyLayer } from "./_apply_layer.ts";

/** One call of a layer in the model's graph (a tfjs-layers "node"). */
export interface GraphStep {
  layer: tf.layers.Layer;
  inputs: tf.SymbolicTensor[];
  inputIds: number[];
  outputIds: number[];
}

// The structural view of tfjs-layers' public node fields that the executor reads.
interface GraphNode {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/** The steps of a single-output model and the ids of its inputs and output. */
export interface ModelGraph {
  steps: GraphStep[];
  /** The ids of the model's inputs, in the model's order (`model.inputs`). */
  inputIds: number[];
  outputId: number;
}

/** Values fed from outside in place of a step's outputs (or of its inputs). */
export interface Substitution {
  step: GraphStep;
  /** One tensor per output of the step (per input with `atInput`), in the step's order. */
  values: readonly tf.Tensor[];
  /** Replace the step's inputs instead of its outputs. */
  atInput: boolean;
}

function nodeOf(symbolic: tf.SymbolicTensor): GraphNode {
  const layer = symbolic.sourceLayer as unknown as { inboundNodes: GraphNode[] };
  return layer.inboundNodes[symbolic.nodeIndex];
}

function isInputLayer(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === "InputLayer";
}

/**
 * Walk back from the model's output once: every step the output depends on, in topological order.
 * The model must have one output (callers check and word the error); it may have several inputs.
 */
export function modelGraph(model: tf.LayersModel): ModelGraph {
  const inputIds = model.inputs.map((t) => t.id);
  const output = model.outputs[0];
  const steps: GraphStep[] = [];
  const seen = new Set<GraphNode>();
  const visit = (symbolic: tf.SymbolicTensor): void => {
    if (inputIds.includes(symbolic.id) || isInputLayer(symbolic.sourceLayer as tf.layers.Layer)) {
      return;
    }
    const node = nodeOf(symbolic);
    if (seen.has(node)) return;
    seen.add(node);
    for (const t of node.inputTensors) visit(t);
    steps.push({
      layer: symbolic.sourceLayer as tf.layers.Layer,
      inputs: node.inputTensors,
      inputIds: node.inputTensors.map((t) => t.id),
      outputIds: node.outputTensors.map((t) => t.id),
    });
  };
  visit(output);
  return { steps, inputIds, outputId: output.id };
}

/** The symbolic output tensor `index` (default the first) of a step. */
export function stepOutput(step: GraphStep, index = 0): tf.SymbolicTensor {
  for (const node of (step.layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes) {
    const t = node.outputTensors.find((s) => s.id === step.outputIds[index]);
    if (t !== undefined) return t;
  }
  throw new Error(`Internal error: the output of layer ${step.layer.name} is not in its nodes.`);
}

/**
 * The steps of `steps` (topologically ordered) needed to compute the tensors `targetIds`. When
 * `fed` is given, that step's value is supplied from outside, so nothing is needed through its
 * inputs (other consumers of the same tensors still pull them in). Tensors in `fedIds` are
 * supplied from outside for every consumer: the steps that compute only them are not needed.
 */
export function pruneSteps(
  steps: GraphStep[],
  targetIds: readonly number[],
  fed?: GraphStep,
  fedIds: ReadonlySet<number> = new Set(),
): GraphStep[] {
  const needed = new Set<number>(targetIds.filter((id) => !fedIds.has(id)));
  const kept: GraphStep[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (!step.outputIds.some((id) => needed.has(id))) continue;
    kept.push(step);
    if (fed !== undefined && step === fed) continue;
    for (const id of step.inputIds) if (!fedIds.has(id)) needed.add(id);
  }
  return kept.reverse();
}

/**
 * Run `steps` on the tensors `feeds` (by id: the model's inputs, only those some step reads) and
 * return every computed tensor by id, the feeds included (a fed tensor keeps its value for every
 * step that reads it). `substitution` replaces a step's outputs (or its inputs) by given values. Tensors created on the way are left to the caller's `tf.tidy`.
 */
export function runGraph(
  steps: GraphStep[],
  feeds: ReadonlyMap<number, tf.Tensor>,
  substitution?: Substitution,
): Map<number, tf.Tensor> {
  const values = new Map<number, tf.Tensor>(feeds);
  for (const step of steps) {
    if (substitution?.step === step && !substitution.atInput) {
      step.outputIds.forEach((id, i) => values.set(id, substitution.values[i]));
      continue;
    }
    const args = substitution?.step === step
      ? substitution.values
      : step.inputIds.map((id) => values.get(id)!);
    const result = applyLayer(step.layer, args.length === 1 ? args[0] : [...args]);
    const outs = Array.isArray(result) ? result : [result];
    // A fed tensor keeps its fed value (a step may run for its other outputs).
    step.outputIds.forEach((id, i) => feeds.has(id) || values.set(id, outs[i]));
  }
  return values;
}

/** The model's inputs, in the model's order, by id (for {@linkcode runGraph}). */
export function inputFeeds(
  inputIds: readonly number[],
  inputs: readonly tf.Tensor[],
): Map<number, tf.Tensor> {
  return new Map(inputIds.map((id, i) => [id, inputs[i]]));
}

/**
 * The model's forward function for attribution: the graph walked once, each call runs its steps
 * (Conv2D and Dense as plain ops, see `_apply_layer.ts`). A model with several inputs takes one
 * tensor per input, in the model's order (`model.inputs`): `f(a, b)`.
 *
 * @param method the explainer's name, for the error on a wrong number of inputs.
 * @throws {TypeError} (when called) for a number of tensors other than the model's inputs.
 */
export function modelForwardFunction(
  model: tf.LayersModel,
  method?: string,
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const { steps, inputIds, outputId } = modelGraph(model);
  const names = modelInputNames(model);
  return (...inputs) => {
    assertInputCount(method, names, inputs);
    return runGraph(steps, inputFeeds(inputIds, inputs)).get(outputId)!;
  };
}

/** The names of the model's inputs (their input layers'), in the model's order. */
export function modelInputNames(model: tf.LayersModel): string[] {
  return model.inputs.map((t) => (t.sourceLayer as tf.layers.Layer).name);
}

/**
 * Check that `inputs` has one tensor per model input (`names`, in the model's order).
 *
 * @throws {TypeError} naming `method` (when given), the model's inputs and the count received.
 */
export function assertInputCount(
  method: string | undefined,
  names: readonly string[],
  inputs: readonly unknown[],
): void {
  if (inputs.length === names.length) return;
  const listed = names.map((n) => JSON.stringify(n)).join(", ");
  throw new TypeError(
    `${method === undefined ? "Cannot run the model" : `Cannot compute ${method} attributions`}` +
      `: the model's inputs must be ${names.length} ` +
      `tensors (${listed}, in this order), received ${inputs.length}. Pass one tensor per model ` +
      "input, in the model's order (model.inputs); inputs that are not attributed go in " +
      "additionalForwardArgs.",
  );
}
