/**
 * Reading and substituting one layer's output (or input) inside any `tf.LayersModel` — the
 * mechanism behind layer and neuron attribution (Captum's forward hooks).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A layer of a model: the `tf.layers.Layer` itself or its name. */
export type LayerRef = tf.layers.Layer | string;

/** Options of {@linkcode LayerTap}. */
export interface LayerTapOptions {
  /**
   * Tap the layer's input instead of its output (Captum's `attribute_to_layer_input`). The layer
   * must then have a single input tensor.
   * @default false
   */
  attributeToLayerInput?: boolean;
  /**
   * Name of the operation shown in error messages (e.g. the attribution method).
   * @default "LayerTap"
   */
  caller?: string;
}

/** A layer's value and the model's output from one forward pass. */
export interface TapResult {
  /** The tapped layer's output (or input), `[N, ...]`. */
  layerValue: tf.Tensor;
  /** The model's output, `[N, ...]`. */
  output: tf.Tensor;
}

// One call of a layer in the model's graph (a tfjs-layers "node").
interface Step {
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

function nodeOf(symbolic: tf.SymbolicTensor): GraphNode {
  const layer = symbolic.sourceLayer as unknown as { inboundNodes: GraphNode[] };
  return layer.inboundNodes[symbolic.nodeIndex];
}

function isInputLayer(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === "InputLayer";
}

/**
 * A layer of a `tf.LayersModel` made observable and replaceable: a small executor that walks the
 * model's graph once (at construction) and then runs its layers in topological order, reading the
 * tapped layer's output — or substituting a given tensor for it — on the way. Works for Sequential
 * and functional models, with branches and merges; the model itself is never modified.
 *
 * Everything runs in inference mode (`training: false`) and is differentiable, so
 * `tf.grad((a) => f(tap.forwardFrom(a, x)))(a)` is ∂f/∂A.
 *
 * @example
 * ```ts
 * import { LayerTap, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 3, inputShape: [2], name: "hidden" }),
 *   tf.layers.dense({ units: 1, name: "out" }),
 * ] });
 * const tap = new LayerTap(model, "hidden");
 * const x = tf.ones([4, 2]);
 * const { layerValue, output } = tap.forwardWithTap(x);
 * console.log(layerValue.shape, output.shape); // [4, 3] [4, 1]
 * tf.dispose([x, layerValue, output]);
 * ```
 */
export class LayerTap {
  /** The model whose layer is tapped. */
  readonly model: tf.LayersModel;
  /** The tapped layer. */
  readonly layer: tf.layers.Layer;
  /** True when the layer's input is tapped instead of its output. */
  readonly attributeToLayerInput: boolean;
  /** The tapped value's shape without the batch axis, e.g. `[28, 28, 32]`. */
  readonly valueShape: number[];

  readonly #inputId: number;
  readonly #outputId: number;
  readonly #tapStep: Step;
  // Steps to compute the tapped value (up to and including the tap's layer for an output tap).
  readonly #toTap: Step[];
  // All steps needed for the model output.
  readonly #all: Step[];
  // Steps needed for the output when the tapped value is given.
  readonly #fromTap: Step[];

  /**
   * @param model a `tf.LayersModel` (Sequential or functional) with one input and one output.
   * @param layer the layer to tap, or its name.
   * @param options see {@linkcode LayerTapOptions}.
   * @throws {TypeError} when the model or layer is not usable; an unknown layer's error lists the
   *   model's layer names.
   */
  constructor(model: tf.LayersModel, layer: LayerRef, options: LayerTapOptions = {}) {
    const { attributeToLayerInput = false, caller = "LayerTap" } = options;
    const prefix = `Cannot compute ${caller} attributions`;
    if (!(model instanceof tf.LayersModel)) {
      throw new TypeError(
        `${prefix}: model must be a tf.LayersModel to attribute to one of its layers, received ${
          typeof model === "function" ? "a function" : String(model)
        }. Pass the tf.LayersModel itself (e.g. createClassifier()), not a forward function.`,
      );
    }
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new TypeError(
        `${prefix}: model must have one input and one output, received ${model.inputs.length} ` +
          `inputs and ${model.outputs.length} outputs. Build a model with a single input and output.`,
      );
    }
    this.model = model;
    this.attributeToLayerInput = attributeToLayerInput;

    const input = model.inputs[0];
    const output = model.outputs[0];
    this.#inputId = input.id;
    this.#outputId = output.id;

    // Walk back from the output once: every node the output depends on, in topological order.
    const all: Step[] = [];
    const seen = new Set<GraphNode>();
    const visit = (symbolic: tf.SymbolicTensor): void => {
      if (symbolic.id === input.id || isInputLayer(symbolic.sourceLayer as tf.layers.Layer)) {
        return;
      }
      const node = nodeOf(symbolic);
      if (seen.has(node)) return;
      seen.add(node);
      for (const t of node.inputTensors) visit(t);
      all.push({
        layer: symbolic.sourceLayer as tf.layers.Layer,
        inputs: node.inputTensors,
        inputIds: node.inputTensors.map((t) => t.id),
        outputIds: node.outputTensors.map((t) => t.id),
      });
    };
    visit(output);
    this.#all = all;

    const names = all.map((s) => s.layer.name);
    const found = typeof layer === "string"
      ? all.filter((s) => s.layer.name === layer)
      : all.filter((s) => s.layer === layer);
    if (found.length === 0) {
      const shown = typeof layer === "string"
        ? JSON.stringify(layer)
        : layer instanceof tf.layers.Layer
        ? `a layer named ${JSON.stringify(layer.name)} that is not part of this model`
        : String(layer);
      throw new TypeError(
        `${prefix}: layer must be one of the model's layers (${
          [...new Set(names)].map((n) => JSON.stringify(n)).join(", ")
        }), received ${shown}. Pass one of these names or the layer object itself.`,
      );
    }
    if (found.length > 1) {
      throw new TypeError(
        `${prefix}: layer must be called once in the model, received ${
          JSON.stringify(found[0].layer.name)
        }, which is called ${found.length} times (a shared layer). Tap a layer used once.`,
      );
    }
    const tapStep = found[0];
    this.#tapStep = tapStep;
    this.layer = tapStep.layer;
    const tapped = attributeToLayerInput ? tapStep.inputIds : tapStep.outputIds;
    if (tapped.length !== 1) {
      throw new TypeError(
        `${prefix}: the ${attributeToLayerInput ? "input" : "output"} of layer ${
          JSON.stringify(this.layer.name)
        } must be a single tensor, received ${tapped.length} tensors. ${
          attributeToLayerInput
            ? "Attribute to the layer's output, or to the layers that feed it."
            : "Tap a layer with one output."
        }`,
      );
    }
    const symbolic = attributeToLayerInput ? tapStep.inputs[0] : nodeOutput(tapStep);
    this.valueShape = symbolic.shape.slice(1).map((d) => d ?? -1);

    const index = all.indexOf(tapStep);
    this.#toTap = prune(all.slice(0, attributeToLayerInput ? index : index + 1), tapped[0]);
    // Output from a given tapped value: drop what only fed the tapped value.
    this.#fromTap = prune(all, this.#outputId, tapStep);
  }

  /** The layer's name. */
  get layerName(): string {
    return this.layer.name;
  }

  /**
   * The tapped value for `inputs` (running only the layers it depends on). Tensors created on the
   * way are left to the caller's `tf.tidy`.
   */
  layerValue(inputs: tf.Tensor): tf.Tensor {
    const values = this.#run(this.#toTap, inputs, undefined);
    return this.attributeToLayerInput
      ? values.get(this.#tapStep.inputIds[0])!
      : values.get(this.#tapStep.outputIds[0])!;
  }

  /** One forward pass returning both the tapped value and the model's output. */
  forwardWithTap(inputs: tf.Tensor): TapResult {
    const values = this.#run(this.#all, inputs, undefined);
    const id = this.attributeToLayerInput ? this.#tapStep.inputIds[0] : this.#tapStep.outputIds[0];
    return { layerValue: values.get(id)!, output: values.get(this.#outputId)! };
  }

  /**
   * The model's output when the tapped value is replaced by `layerValue`. Layers on branches that
   * bypass the tapped layer are computed from `inputs` (which must have `layerValue`'s batch size).
   */
  forwardFrom(layerValue: tf.Tensor, inputs: tf.Tensor): tf.Tensor {
    const values = this.#run(this.#fromTap, inputs, layerValue);
    return values.get(this.#outputId)!;
  }

  #run(
    steps: Step[],
    inputs: tf.Tensor,
    substitute: tf.Tensor | undefined,
  ): Map<number, tf.Tensor> {
    const values = new Map<number, tf.Tensor>();
    values.set(this.#inputId, inputs);
    const tap = this.#tapStep;
    const kwargs = { training: false };
    for (const step of steps) {
      if (step === tap && substitute !== undefined && !this.attributeToLayerInput) {
        values.set(step.outputIds[0], substitute);
        continue;
      }
      const args = step === tap && substitute !== undefined
        ? [substitute]
        : step.inputIds.map((id) => values.get(id)!);
      const result = step.layer.apply(args.length === 1 ? args[0] : args, kwargs);
      const outs = Array.isArray(result) ? result : [result];
      step.outputIds.forEach((id, i) => values.set(id, outs[i] as tf.Tensor));
    }
    return values;
  }
}

function nodeOutput(step: Step): tf.SymbolicTensor {
  for (const node of (step.layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes) {
    const t = node.outputTensors.find((s) => s.id === step.outputIds[0]);
    if (t !== undefined) return t;
  }
  throw new Error(`Internal error: the output of layer ${step.layer.name} is not in its nodes.`);
}

// The steps of `steps` (topologically ordered) needed to compute tensor `targetId`. When `tap` is
// given, the tapped value is supplied from outside, so nothing is needed through the tap's inputs
// (other consumers of the same tensors still pull them in).
function prune(steps: Step[], targetId: number, tap?: Step): Step[] {
  const needed = new Set<number>([targetId]);
  const kept: Step[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (!step.outputIds.some((id) => needed.has(id))) continue;
    kept.push(step);
    if (tap !== undefined && step === tap) continue; // its value (or input) is fed
    for (const id of step.inputIds) needed.add(id);
  }
  return kept.reverse();
}
