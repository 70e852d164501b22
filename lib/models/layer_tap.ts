/**
 * Reading and substituting one layer's output (or input) inside any `tf.LayersModel` — the
 * mechanism behind layer and neuron attribution (Captum's forward hooks).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type GraphStep, modelGraph, pruneSteps, runSteps, stepOutput } from "./_model_graph.ts";

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
  readonly #tapStep: GraphStep;
  // Steps to compute the tapped value (up to and including the tap's layer for an output tap).
  readonly #toTap: GraphStep[];
  // All steps needed for the model output.
  readonly #all: GraphStep[];
  // Steps needed for the output when the tapped value is given.
  readonly #fromTap: GraphStep[];
  /** Whether a step after the tap reads the model's input (a branch bypassing the layer). */
  readonly #fromTapReadsInputs: boolean;

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
          typeof model === "function"
            ? "a function"
            : (model as unknown) instanceof tf.GraphModel
            ? "a tf.GraphModel (a graph has no layers to tap)"
            : String(model)
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

    const graph = modelGraph(model);
    const all = graph.steps;
    this.#inputId = graph.inputId;
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
    const symbolic = attributeToLayerInput ? tapStep.inputs[0] : stepOutput(tapStep);
    this.valueShape = symbolic.shape.slice(1).map((d) => d ?? -1);

    const index = all.indexOf(tapStep);
    this.#toTap = pruneSteps(all.slice(0, attributeToLayerInput ? index : index + 1), tapped[0]);
    // Output from a given tapped value: drop what only fed the tapped value.
    this.#fromTap = pruneSteps(all, this.#outputId, tapStep);
    // The tapped step itself is fed (its output, or its input when tapping the input).
    this.#fromTapReadsInputs = this.#fromTap.some((step) =>
      step !== tapStep && step.inputIds.includes(this.#inputId)
    );
  }

  /** The layer's name. */
  get layerName(): string {
    return this.layer.name;
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
   * when its input is tapped): those a layer attribution's gradient passes back through.
   */
  get layersAfterTap(): tf.layers.Layer[] {
    return this.#fromTap
      .filter((step) => this.attributeToLayerInput || step !== this.#tapStep)
      .map((step) => step.layer);
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
   * `inputs` may be a function returning them: it is called only if such a branch exists (so a
   * caller can skip tiling inputs that a Sequential model never reads past the tapped layer).
   */
  forwardFrom(layerValue: tf.Tensor, inputs: tf.Tensor | (() => tf.Tensor)): tf.Tensor {
    const needed = typeof inputs !== "function"
      ? inputs
      : this.#fromTapReadsInputs
      ? inputs()
      : undefined;
    const values = this.#run(this.#fromTap, needed, layerValue);
    return values.get(this.#outputId)!;
  }

  #run(
    steps: GraphStep[],
    inputs: tf.Tensor | undefined,
    substitute: tf.Tensor | undefined,
  ): Map<number, tf.Tensor> {
    return runSteps(
      steps,
      this.#inputId,
      inputs,
      substitute === undefined
        ? undefined
        : { step: this.#tapStep, value: substitute, atInput: this.attributeToLayerInput },
    );
  }
}
