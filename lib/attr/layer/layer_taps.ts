/**
 * The part every layer and neuron explainer holds: the model's layer and taps on its output and
 * (made on first use) its input. A method holds it; it does not inherit it, so each method sits
 * on the base that matches what it is (gradient, perturbation, or neither), as Captum's
 * `LayerFeatureAblation(LayerAttribution, PerturbationAttribution)`. {@linkcode withLayerTaps}
 * adds the holding (the `layer` and `taps` fields and the `(model, layer)` constructor) to
 * whichever base that is.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { tileRows } from "./_layer_gradients.ts";
import { LayerTap } from "../../models/layer_tap.ts";
import { CallTap } from "./_call_tap.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import type { AttributionsOf, ForwardFunction, Inputs, ModelLike } from "../types.ts";
import type { Attribution } from "../attribution.ts";
import {
  type CallOptions,
  type CallSpec,
  type PackedOptions,
  prepareCall,
  type PreparedCall,
} from "../_utils/multi_input.ts";
import { assertFloatInputs, attributionTypeError } from "../_utils/errors.ts";
import { assertInputsFitModel } from "../_utils/forward.ts";
import { type CallTarget, expandTarget, runForward } from "../_utils/target.ts";
import { selectNeuron, validateNeuronSelector } from "../neuron/neuron_selector.ts";
import type { NeuronSelector } from "../neuron/neuron_selector.ts";
import type { LayerInputOptions, NeuronOptions } from "../options.ts";
import type { LayerAttributions } from "../types.ts";
import {
  type LayerPerturbationOptions,
  type PackedLayerOptions,
  packLayerOptions,
} from "./_layer_masks.ts";

/** The layer methods that attribute to a layer value of several tensors, one result per tensor. */
export const SEVERAL_TENSOR_METHODS: readonly string[] = [
  "LayerActivation",
  "LayerGradCam",
  "InternalInfluence",
  "LayerIntegratedGradients",
  "LayerConductance",
  "LayerGradientXActivation",
  "LayerDeepLift",
  "LayerDeepLiftShap",
  "LayerGradientShap",
  "LayerFeatureAblation",
  "LayerFeaturePermutation",
];

/**
 * One layer method's call reduced to one tensor (see `_call_tap.ts`): the inputs (all inputs
 * packed side by side for an array), the options with per-input options packed, and the tap as
 * the call sees it.
 */
export interface LayerCall<O> {
  /** The inputs, or all inputs packed `[N, D]`. */
  inputs: tf.Tensor;
  /** The options with per-input options packed (`baselines` one tensor); the target knows rows. */
  options: PackedOptions<O>;
  /** The tap: the call's batch in, the layer's (packed) value out. */
  tap: CallTap;
  /** Examples in the batch. */
  n: number;
  /**
   * The model's output for a batch of the call's (packed) rows; through `runForward` with the
   * call's target expanded to the batch, the extra arguments follow the rows.
   */
  forward: ForwardFunction;
  /**
   * A result in the (packed) inputs' shape as the caller gets it: one tensor, or one per input
   * for an array of inputs (neuron methods). `result` is consumed.
   */
  splitInputs(result: tf.Tensor): tf.Tensor | tf.Tensor[];
  /** Dispose what the call made. */
  dispose(): void;
}

/** The options a layer call reads. */
export interface LayerCallOptions extends CallOptions, LayerInputOptions {}

/**
 * A layer of a model, with its taps, for the explainer named `caller`.
 *
 * @example
 * ```ts
 * import { tf } from "../../mod.ts";
 * import { LayerTaps } from "./layer_taps.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const taps = new LayerTaps(model, "hidden", "MyMethod");
 * console.log(taps.layer.name, taps.tap().valueShape); // "hidden" [2]
 * ```
 */
export class LayerTaps {
  /** The layer: whose activations are attributed, or which holds the neuron. */
  readonly layer: tf.layers.Layer;
  readonly #caller: string;
  readonly #output: LayerTap;
  #input: LayerTap | undefined;

  /**
   * @param model a `tf.LayersModel` (Sequential or functional) with one output.
   * @param layer one of its layers, or the layer's name.
   * @param caller the explainer's name, for error messages.
   * @throws {TypeError} when the model is a forward function or the layer is not in the model
   *   (the message lists the model's layer names).
   */
  constructor(model: ModelLike, layer: LayerRef, caller: string) {
    this.#caller = caller;
    this.#output = new LayerTap(model as tf.LayersModel, layer, { caller });
    this.layer = this.#output.layer;
  }

  /**
   * The tap on the layer's output, or on its input with `toLayerInput`, for a method that
   * attributes to one tensor.
   *
   * @param flag the option that chose the tap, named in the error.
   * @throws {TypeError} when the tapped value is several tensors (a merge layer's input), naming
   *   the explainer, `flag` and the methods that take such a layer.
   */
  tap(toLayerInput = false, flag = "attributeToLayerInput"): LayerTap {
    const tap = this.anyTap(toLayerInput);
    if (tap.tensorCount === 1) return tap;
    const side = toLayerInput ? "input" : "output";
    throw new TypeError(
      `Cannot compute ${this.#caller} attributions: the ${side} of layer ${
        JSON.stringify(this.layer.name)
      } must be a single tensor, received ${tap.tensorCount} tensors (${flag}: ${toLayerInput}; ` +
        `${this.#caller} attributes to one tensor). ${
          toLayerInput
            ? "Attribute to the layer's output, or to the layers that feed it, or use a method " +
              `that returns one attribution per tensor (${SEVERAL_TENSOR_METHODS.join(", ")}).`
            : "Tap a layer with one output, or the layers that read each output."
        }`,
    );
  }

  /** The tap on the layer's output, or its input with `toLayerInput`: one tensor or several. */
  anyTap(toLayerInput = false): LayerTap {
    if (!toLayerInput) return this.#output;
    this.#input ??= new LayerTap(this.#output.model, this.layer, {
      attributeToLayerInput: true,
      caller: this.#caller,
    });
    return this.#input;
  }

  /**
   * Validate the neuron (`neuronSelector`, `attributeToNeuronInput`) against the layer's shape and
   * return the forward function `x ↦ neuron(x)` (`[N]`), which runs the model only up to the layer.
   * For a model with several inputs it takes one tensor per input, in the model's order.
   */
  neuronForward(neuron: Partial<NeuronOptions> | undefined): ForwardFunction {
    const tap = this.anyTap(neuron?.attributeToNeuronInput);
    const method = this.#caller;
    const neuronSelector = neuron?.neuronSelector;
    validateNeuronSelector(method, neuronSelector, tap.valueShapes, this.layer.name);
    const selector = neuronSelector as NeuronSelector;
    return (...inputs: tf.Tensor[]) => selectNeuron(method, tap.layerValues(inputs), selector);
  }
}

/**
 * The `additionalForwardArgs` of a layer or neuron method on a `tf.LayersModel`: the model's
 * remaining inputs, so tensors with a batch axis.
 *
 * @throws {TypeError} naming `additionalForwardArgs[j]`.
 */
function assertTensorArgs(method: string, extras: unknown): void {
  if (!Array.isArray(extras)) return; // undefined, or refused by the call's checks
  extras.forEach((arg, j) => {
    if (!(arg instanceof tf.Tensor) || arg.rank === 0) {
      throw attributionTypeError(
        method,
        `additionalForwardArgs[${j}]`,
        "a tensor with a batch axis (with a tf.LayersModel, the tensors of the model's inputs " +
          "after the attributed ones)",
        arg,
        "Pass the model's remaining inputs as tensors, one row per example.",
      );
    }
  });
}

/** An explainer base class ({@linkcode Attribution} or one of its subclasses). */
// deno-lint-ignore no-explicit-any
type AttributionClass = abstract new (...args: any[]) => Attribution;

/**
 * `Base` with a model's layer and the {@linkcode LayerTaps} on it: what Captum's
 * `InternalAttribution` adds to a layer or neuron explainer, whichever base it sits on
 * (`LayerFeatureAblation(LayerAttribution, PerturbationAttribution)`). The constructor is
 * `(model, layer)` and throws a `TypeError` when the model is a forward function or the layer is
 * not in the model (the message lists the model's layer names, and names the concrete class).
 *
 * @example
 * ```ts
 * import { PerturbationAttribution, tf } from "../../mod.ts";
 * import { withLayerTaps } from "./layer_taps.ts";
 * class LayerValue extends withLayerTaps(PerturbationAttribution) {
 *   attribute(inputs: tf.Tensor): Promise<tf.Tensor> {
 *     return Promise.resolve(tf.tidy(() => this.taps.tap().layerValue(inputs).clone()));
 *   }
 * }
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * console.log(new LayerValue(model, "hidden").layer.name); // "hidden"
 * ```
 */
export function withLayerTaps<B extends AttributionClass>(Base: B) {
  abstract class WithLayerTaps extends Base {
    /** The layer: whose activations are attributed, or which holds the neuron. */
    readonly layer: tf.layers.Layer;
    /** The layer's taps. */
    protected readonly taps: LayerTaps;

    /** `(model, layer)`, as the signature below states. */
    // deno-lint-ignore no-explicit-any
    constructor(...args: any[]) {
      const [model, layer] = args as [tf.LayersModel, LayerRef];
      super(model);
      this.taps = new LayerTaps(model, layer, this.methodName);
      this.layer = this.taps.layer;
    }

    /**
     * Validate a call (one tensor or an array of inputs, `target`, `additionalForwardArgs` — the
     * model's remaining inputs — and the per-input options of `spec`) and reduce it to one tensor
     * with the tap as it sees it (see `_call_tap.ts`). A layer value of several tensors is refused
     * unless `several` (the method then splits its result with {@linkcode CallTap.finish}).
     * The caller disposes the call.
     *
     * @throws {TypeError} naming the argument that does not fit (`inputs[i]`, `baselines[i]`,
     *   `additionalForwardArgs[j]` …).
     */
    protected layerCall<O extends LayerCallOptions>(
      inputs: Inputs,
      options: O,
      spec: CallSpec,
      several = false,
    ): LayerCall<O> {
      const method = this.methodName;
      assertTensorArgs(method, options.additionalForwardArgs);
      // The call's "forward" collects the model's inputs: the packed batch split back, the extra
      // arguments expanded to the rows the target stands for.
      const collect = ((...args: tf.Tensor[]) => args) as unknown as ForwardFunction;
      const call = prepareCall(method, this.model, collect, inputs, options, spec);
      try {
        const toInput = options.attributeToLayerInput ?? false;
        const layerTap = several ? this.taps.anyTap(toInput) : this.taps.tap(toInput);
        const modelInputs = call.forward === collect
          ? undefined
          : (x: tf.Tensor, rows?: CallTarget) =>
            runForward(call.forward, x, rows) as unknown as tf.Tensor[];
        const model = this.forward as (...inputs: tf.Tensor[]) => tf.Tensor;
        // Rows as `runForward` hands them over (a RowTarget's), for batches of expanded examples.
        const expanded = call.forward as unknown as (
          x: tf.Tensor,
          rows?: Int32Array,
        ) => tf.Tensor[];
        const forward = ((x: tf.Tensor, rows?: Int32Array) =>
          model(...expanded(x, rows))) as ForwardFunction;
        return {
          inputs: call.inputs,
          options: call.options,
          tap: new CallTap(layerTap, modelInputs),
          n: call.inputs.shape[0],
          forward: modelInputs === undefined ? this.forward : forward,
          splitInputs: (result) => call.finish(result),
          dispose: () => call.dispose(),
        };
      } catch (error) {
        call.dispose();
        throw error;
      }
    }

    /**
     * Check at the public boundary that `inputs` (one tensor, or one per attributed model input)
     * and the tensors of `additionalForwardArgs` fit the model's inputs, for a method that hands
     * the call on to another explainer with the neuron as its model.
     *
     * @throws {TypeError} naming `inputs` or `inputs[i]`.
     */
    protected assertModelInputs(inputs: Inputs, extras: readonly unknown[] | undefined): void {
      const method = this.methodName;
      assertTensorArgs(method, extras);
      if (!Array.isArray(inputs)) {
        assertFloatInputs(method, inputs);
        assertInputsFitModel(method, this.model, inputs as tf.Tensor, "inputs", 0, extras);
        return;
      }
      inputs.forEach((x, i) => {
        assertFloatInputs(method, x, `inputs[${i}]`);
        assertInputsFitModel(method, this.model, x, `inputs[${i}]`, i, extras, inputs.length);
      });
    }

    /**
     * The body of a neuron method's `attribute()` for one tensor or an array of inputs, as
     * `attributeCall()` with the neuron as the model: validate the neuron (`neuronSelector`,
     * `attributeToNeuronInput`) and the call, run `body` with the call's forward function ending
     * at the neuron (`[N]`) and the rows of its batch (a target to pass on with it, which selects
     * nothing), and hand back its result split per input. Errors reject the promise and leak
     * nothing.
     */
    protected async neuronCall<T extends Inputs, O extends CallOptions & Partial<NeuronOptions>>(
      inputs: T,
      options: O,
      spec: CallSpec,
      body: (call: PreparedCall<O>, rows: CallTarget | undefined) => tf.Tensor | Promise<tf.Tensor>,
    ): Promise<AttributionsOf<T>> {
      const neuron = this.taps.neuronForward(options);
      const call = prepareCall(this.methodName, this.model, neuron, inputs, options, spec);
      try {
        const rows = (call.options as PackedOptions<CallOptions>).target;
        return call.finish(await body(call, rows)) as AttributionsOf<T>;
      } finally {
        call.dispose();
      }
    }

    /**
     * Run a perturbation method on the layer's activations (or input, with
     * `attributeToLayerInput`): `perturb` gets the forward function that runs the rest of the
     * model from the layer, with the inputs (tiled to the perturbed batch) reaching the branches
     * that bypass it, the activations to perturb (disposed afterwards) and `layerMask` and
     * `layerBaselines` for them. A layer value of several tensors (a merge layer's inputs) is
     * perturbed packed side by side, with one mask and baseline per layer tensor packed alike (see
     * `_layer_masks.ts`), and the result is split back, one tensor per layer tensor.
     */
    protected async perturbLayer(
      inputs: Inputs,
      options: LayerCallOptions & LayerPerturbationOptions,
      perturb: (
        forward: ForwardFunction,
        values: tf.Tensor,
        packed: Omit<PackedLayerOptions, "dispose">,
      ) => Promise<tf.Tensor>,
    ): Promise<LayerAttributions> {
      const call = this.layerCall(inputs, options, {}, true);
      const { tap, n } = call;
      try {
        const values = tf.tidy(() => tap.layerValue(call.inputs, call.options.target).clone());
        try {
          const packed = packLayerOptions(this.methodName, tap, values, options);
          try {
            // Perturbed activation batches are perturbation-major: the inputs are tiled to match.
            const forward = (a: tf.Tensor) => {
              const k = a.shape[0] / n;
              const rows = expandTarget(call.options.target, k);
              return tap.forwardFrom(a, () => tileRows(call.inputs, k), rows);
            };
            return tap.finish(await perturb(forward, values, packed));
          } finally {
            packed.dispose();
          }
        } finally {
          values.dispose();
        }
      } finally {
        call.dispose();
      }
    }
  }
  // TypeScript gives a mixin the base's constructor signature; state the `(model, layer)` one.
  return WithLayerTaps as unknown as
    & Omit<B, "prototype">
    & (abstract new (
      /** A `tf.LayersModel` (Sequential or functional) with one input and one output. */
      model: tf.LayersModel,
      /** One of its layers, or the layer's name. */
      layer: LayerRef,
    ) => WithLayerTaps & InstanceType<B>);
}
