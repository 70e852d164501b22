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

/** The steps of a single-input, single-output model and the ids of its input and output. */
export interface ModelGraph {
  steps: GraphStep[];
  inputId: number;
  outputId: number;
}

/** A value fed from outside in place of a step's output (or of its single input). */
export interface Substitution {
  step: GraphStep;
  value: tf.Tensor;
  /** Replace the step's input instead of its output. */
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
 * The model must have one input and one output (callers check and word the error).
 */
export function modelGraph(model: tf.LayersModel): ModelGraph {
  const input = model.inputs[0];
  const output = model.outputs[0];
  const steps: GraphStep[] = [];
  const seen = new Set<GraphNode>();
  const visit = (symbolic: tf.SymbolicTensor): void => {
    if (symbolic.id === input.id || isInputLayer(symbolic.sourceLayer as tf.layers.Layer)) return;
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
  return { steps, inputId: input.id, outputId: output.id };
}

/** The symbolic output tensor of a step. */
export function stepOutput(step: GraphStep): tf.SymbolicTensor {
  for (const node of (step.layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes) {
    const t = node.outputTensors.find((s) => s.id === step.outputIds[0]);
    if (t !== undefined) return t;
  }
  throw new Error(`Internal error: the output of layer ${step.layer.name} is not in its nodes.`);
}

/**
 * The steps of `steps` (topologically ordered) needed to compute tensor `targetId`. When `fed` is
 * given, that step's value is supplied from outside, so nothing is needed through its inputs (other
 * consumers of the same tensors still pull them in).
 */
export function pruneSteps(steps: GraphStep[], targetId: number, fed?: GraphStep): GraphStep[] {
  const needed = new Set<number>([targetId]);
  const kept: GraphStep[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (!step.outputIds.some((id) => needed.has(id))) continue;
    kept.push(step);
    if (fed !== undefined && step === fed) continue;
    for (const id of step.inputIds) needed.add(id);
  }
  return kept.reverse();
}

/**
 * Run `steps` on `inputs` (fed as tensor `inputId`; undefined when no step reads it) and return
 * every computed tensor by id.
 * Tensors created on the way are left to the caller's `tf.tidy`.
 */
export function runSteps(
  steps: GraphStep[],
  inputId: number,
  inputs: tf.Tensor | undefined,
  substitution?: Substitution,
): Map<number, tf.Tensor> {
  const values = new Map<number, tf.Tensor>();
  if (inputs !== undefined) values.set(inputId, inputs);
  for (const step of steps) {
    if (substitution?.step === step && !substitution.atInput) {
      values.set(step.outputIds[0], substitution.value);
      continue;
    }
    const args = substitution?.step === step
      ? [substitution.value]
      : step.inputIds.map((id) => values.get(id)!);
    const result = applyLayer(step.layer, args.length === 1 ? args[0] : args);
    const outs = Array.isArray(result) ? result : [result];
    step.outputIds.forEach((id, i) => values.set(id, outs[i]));
  }
  return values;
}

/**
 * The model's forward function for attribution: the graph walked once, each call runs its steps
 * (Conv2D and Dense as plain ops, see `_apply_layer.ts`).
 */
export function modelForwardFunction(model: tf.LayersModel): (inputs: tf.Tensor) => tf.Tensor {
  const { steps, inputId, outputId } = modelGraph(model);
  return (inputs) => runSteps(steps, inputId, inputs).get(outputId)!;
}
