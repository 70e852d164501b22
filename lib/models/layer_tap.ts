/**
 * Reading and substituting one layer's output (or input) inside any `tf.LayersModel` — the
 * mechanism behind layer and neuron attribution (Captum's forward hooks).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertInputCount,
  type GraphStep,
  inputFeeds,
  modelGraph,
  modelInputNames,
  pruneSteps,
  runGraph,
  stepOutput,
} from "./_model_graph.ts";

/** A layer of a model: the `tf.layers.Layer` itself or its name. */
export type LayerRef = tf.layers.Layer | string;

/**
 * The inputs of a model: one tensor for a single-input model, or one tensor per model input in
 * the model's order (`model.inputs`).
 */
export type ModelInputs = tf.Tensor | readonly tf.Tensor[];

/** Options of {@linkcode LayerTap}. */
export interface LayerTapOptions {
  /**
   * Tap the layer's input instead of its output (Captum's `attribute_to_layer_input`). A layer
   * with several inputs (a merge such as `Add` or `Concatenate`) gives one tapped tensor per input.
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

/**
 * A layer of a `tf.LayersModel` made observable and replaceable: a small executor that walks the
 * model's graph once (at construction) and then runs its layers in topological order, reading the
 * tapped layer's output — or substituting given tensors for it — on the way. Works for Sequential
 * and functional models, with branches and merges, with one input or several; the model itself is
 * never modified.
 *
 * The tapped value is one tensor, or several for the input of a layer with several inputs (a merge
 * such as `Add` or `Concatenate`) or the output of a layer with several outputs, as Captum's tuples:
 * {@linkcode LayerTap.layerValues} returns them all, in the layer's order.
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
 *
 * @example A model with two inputs, tapped at the input of the layer that merges them
 * ```ts
 * import { LayerTap, tf } from "../mod.ts";
 * const a = tf.input({ shape: [2], name: "a" });
 * const b = tf.input({ shape: [3], name: "b" });
 * const merged = tf.layers.concatenate({ name: "merge" }).apply([a, b]) as tf.SymbolicTensor;
 * const out = tf.layers.dense({ units: 1 }).apply(merged) as tf.SymbolicTensor;
 * const model = tf.model({ inputs: [a, b], outputs: out });
 * const tap = new LayerTap(model, "merge", { attributeToLayerInput: true });
 * console.log(tap.valueShapes); // [[2], [3]]
 * const [va, vb] = tap.layerValues([tf.ones([1, 2]), tf.zeros([1, 3])]);
 * console.log(va.shape, vb.shape); // [1, 2] [1, 3]
 * ```
 */
export class LayerTap {
  /** The model whose layer is tapped. */
  readonly model: tf.LayersModel;
  /** The tapped layer. */
  readonly layer: tf.layers.Layer;
  /** True when the layer's input is tapped instead of its output. */
  readonly attributeToLayerInput: boolean;
  /**
   * The tapped tensors' shapes without the batch axis, e.g. `[[28, 28, 32]]`: one per tapped
   * tensor, in the layer's order.
   */
  readonly valueShapes: number[][];

  /** The name shown in error messages (the attribution method). */
  readonly caller: string;
  readonly #inputIds: number[];
  readonly #inputNames: string[];
  readonly #outputId: number;
  readonly #tapStep: GraphStep;
  // The ids of the tapped tensors (the step's inputs or outputs).
  readonly #tappedIds: number[];
  // Steps to compute the tapped value (up to and including the tap's layer for an output tap).
  readonly #toTap: GraphStep[];
  // All steps needed for the model output.
  readonly #all: GraphStep[];
  // Steps needed for the output when the tapped value is given.
  readonly #fromTap: GraphStep[];
  // Per tapped tensor: the steps needed for the output when that tensor is given to every layer
  // that reads it (made on first use).
  readonly #fromTensor = new Map<number, { steps: GraphStep[]; readsInputs: boolean }>();
  /** Whether a step after the tap reads one of the model's inputs (a branch bypassing the layer). */
  readonly #fromTapReadsInputs: boolean;

  /**
   * @param model a `tf.LayersModel` (Sequential or functional) with one output and one input or
   *   several.
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
          typeof model === "function"
            ? "a function"
            : (model as unknown) instanceof tf.GraphModel
            ? "a tf.GraphModel (a graph has no layers to tap)"
            : String(model)
        }. Pass the tf.LayersModel itself (e.g. createClassifier()), not a forward function.`,
      );
    }
    if (model.outputs.length !== 1) {
      throw new TypeError(
        `${prefix}: model must have one output, received ${model.outputs.length} outputs. ` +
          "Build a model whose single output is the one to explain " +
          "(tf.model({ inputs: model.inputs, outputs: model.outputs[i] })).",
      );
    }
    this.model = model;
    this.attributeToLayerInput = attributeToLayerInput;
    this.caller = caller;

    const graph = modelGraph(model);
    const all = graph.steps;
    this.#inputIds = graph.inputIds;
    this.#inputNames = modelInputNames(model);
    this.#outputId = graph.outputId;
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
    this.#tappedIds = attributeToLayerInput ? tapStep.inputIds : tapStep.outputIds;
    const symbolic = attributeToLayerInput
      ? tapStep.inputs
      : tapStep.outputIds.map((_, i) => stepOutput(tapStep, i));
    this.valueShapes = symbolic.map((t) => t.shape.slice(1).map((d) => d ?? -1));

    const index = all.indexOf(tapStep);
    this.#toTap = pruneSteps(
      all.slice(0, attributeToLayerInput ? index : index + 1),
      this.#tappedIds,
    );
    // Output from a given tapped value: drop what only fed the tapped value.
    this.#fromTap = pruneSteps(all, [this.#outputId], tapStep);
    // The tapped step itself is fed (its output, or its input when tapping the input).
    this.#fromTapReadsInputs = this.#readsInputs(this.#fromTap, tapStep);
  }

  /** The layer's name. */
  get layerName(): string {
    return this.layer.name;
  }

  /** How many tensors are tapped: 1, or the layer's inputs (outputs) when it has several. */
  get tensorCount(): number {
    return this.#tappedIds.length;
  }

  /**
   * The tapped value's shape without the batch axis, e.g. `[28, 28, 32]`.
   *
   * @throws {TypeError} when the tap has several tensors (read {@linkcode LayerTap.valueShapes}).
   */
  get valueShape(): number[] {
    this.#assertSingle("valueShape", "valueShapes");
    return this.valueShapes[0];
  }

  /**
   * The layers the tapped value is computed through, from the model's input (the tapped layer
   * included when its output is tapped): those a neuron's gradient passes back through.
   */
  get layersBeforeTap(): tf.layers.Layer[] {
    return this.#toTap.map((step) => step.layer);
  }

  /**
   * The layers that compute the model's output from the tapped value (the tapped layer included
   * when its input is tapped, with every other layer reading the tapped tensors): those a layer
   * attribution's gradient passes back through.
   */
  get layersAfterTap(): tf.layers.Layer[] {
    if (this.attributeToLayerInput) {
      // Every layer a tapped tensor's gradient passes back through (see forwardFromTensor).
      const steps = new Set(this.#tappedIds.flatMap((_, i) => this.#planFromTensor(i).steps));
      return this.#all.filter((step) => steps.has(step)).map((step) => step.layer);
    }
    return this.#fromTap.filter((step) => step !== this.#tapStep).map((step) => step.layer);
  }

  /**
   * The tapped tensors for `inputs`, one per tapped tensor in the layer's order (running only the
   * layers they depend on). Tensors created on the way are left to the caller's `tf.tidy`.
   *
   * @throws {TypeError} when `inputs` does not give one tensor per model input.
   */
  layerValues(inputs: ModelInputs): tf.Tensor[] {
    const values = runGraph(this.#toTap, this.#feeds(inputs));
    return this.#tappedIds.map((id) => values.get(id)!);
  }

  /**
   * The tapped value for `inputs`, when it is one tensor (see {@linkcode LayerTap.layerValues}).
   *
   * @throws {TypeError} when the tap has several tensors.
   */
  layerValue(inputs: ModelInputs): tf.Tensor {
    this.#assertSingle("layerValue()", "layerValues()");
    return this.layerValues(inputs)[0];
  }

  /**
   * One forward pass returning both the tapped value and the model's output.
   *
   * @throws {TypeError} when the tap has several tensors (use {@linkcode LayerTap.layerValues}).
   */
  forwardWithTap(inputs: ModelInputs): TapResult {
    this.#assertSingle("forwardWithTap()", "layerValues()");
    const values = runGraph(this.#all, this.#feeds(inputs));
    return { layerValue: values.get(this.#tappedIds[0])!, output: values.get(this.#outputId)! };
  }

  /**
   * The model's output when the tapped value is replaced by `layerValue` (one tensor per tapped
   * tensor when there are several). Layers on branches that bypass the tapped layer are computed
   * from `inputs` (which must have `layerValue`'s batch size). `inputs` may be a function returning
   * them: it is called only if such a branch exists (so a caller can skip tiling inputs that a
   * Sequential model never reads past the tapped layer).
   */
  forwardFrom(
    layerValue: tf.Tensor | readonly tf.Tensor[],
    inputs: ModelInputs | (() => ModelInputs),
  ): tf.Tensor {
    const substituted = this.#substituted(layerValue);
    const values = runGraph(
      this.#fromTap,
      this.#neededFeeds(inputs, this.#fromTapReadsInputs),
      { step: this.#tapStep, values: substituted, atInput: this.attributeToLayerInput },
    );
    return values.get(this.#outputId)!;
  }

  /** `layerValue` as one tensor per tapped tensor, after checking the count. */
  #substituted(layerValue: tf.Tensor | readonly tf.Tensor[]): readonly tf.Tensor[] {
    const substituted = layerValue instanceof tf.Tensor ? [layerValue] : layerValue;
    if (substituted.length !== this.tensorCount) {
      throw new TypeError(
        `Cannot compute ${this.caller} attributions: the value substituted for layer ${
          JSON.stringify(this.layer.name)
        } must be ${this.tensorCount} tensor(s), one per ${
          this.attributeToLayerInput ? "input" : "output"
        } of the layer, received ${substituted.length}. Pass one tensor per tapped tensor.`,
      );
    }
    return substituted;
  }

  /**
   * The model's output when tapped tensor `index` takes the value `value` for every layer that
   * reads it, and everything else (the other tapped tensors included) follows from it and from
   * `inputs` (as in {@linkcode LayerTap.forwardFrom}). Its gradient is Captum's gradient with
   * respect to that tensor of the layer's input: it also flows through the other layers that read
   * the tensor, and through the layer's other inputs computed from it. For an output tap of one
   * tensor this is {@linkcode LayerTap.forwardFrom}.
   */
  forwardFromTensor(
    index: number,
    value: tf.Tensor,
    inputs: ModelInputs | (() => ModelInputs),
  ): tf.Tensor {
    if (!this.attributeToLayerInput && this.tensorCount === 1) {
      return this.forwardFrom(value, inputs);
    }
    const plan = this.#planFromTensor(index);
    const feeds = this.#neededFeeds(inputs, plan.readsInputs);
    feeds.set(this.#tappedIds[index], value);
    return runGraph(plan.steps, feeds).get(this.#outputId)!;
  }

  /** The steps from tapped tensor `index`, given to every reader, to the output (cached). */
  #planFromTensor(index: number): { steps: GraphStep[]; readsInputs: boolean } {
    const id = this.#tappedIds[index];
    let plan = this.#fromTensor.get(id);
    if (plan === undefined) {
      const steps = pruneSteps(this.#all, [this.#outputId], undefined, new Set([id]));
      plan = { steps, readsInputs: this.#readsInputs(steps) };
      this.#fromTensor.set(id, plan);
    }
    return plan;
  }

  /** Whether one of `steps` (other than `except`) reads one of the model's inputs. */
  #readsInputs(steps: GraphStep[], except?: GraphStep): boolean {
    return steps.some((step) =>
      step !== except && step.inputIds.some((id) => this.#inputIds.includes(id))
    );
  }

  /** The model's inputs by id when `read` (a function is called only then), else none. */
  #neededFeeds(inputs: ModelInputs | (() => ModelInputs), read: boolean): Map<number, tf.Tensor> {
    if (typeof inputs !== "function") return this.#feeds(inputs);
    return read ? this.#feeds(inputs()) : new Map();
  }

  /** The model's inputs by id, after checking there is one tensor per model input. */
  #feeds(inputs: ModelInputs): Map<number, tf.Tensor> {
    const list = inputs instanceof tf.Tensor ? [inputs] : inputs;
    assertInputCount(this.caller, this.#inputNames, list);
    return inputFeeds(this.#inputIds, list);
  }

  #assertSingle(what: string, instead: string): void {
    if (this.tensorCount === 1) return;
    throw new TypeError(
      `Cannot compute ${this.caller} attributions: ${what} needs a tap with one tensor, but the ${
        this.attributeToLayerInput ? "input" : "output"
      } of layer ${JSON.stringify(this.layer.name)} is ${this.tensorCount} tensors. ` +
        `Use ${instead}, which returns one per tensor.`,
    );
  }
}
