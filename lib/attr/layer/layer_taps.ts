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
import type { ForwardFunction, ModelLike } from "../types.ts";
import type { Attribution } from "../attribution.ts";
import { selectNeuron, validateNeuronSelector } from "../neuron/neuron_selector.ts";
import type { NeuronSelector } from "../neuron/neuron_selector.ts";
import type { LayerInputOptions, NeuronOptions, TargetOptions } from "../options.ts";

/** The layer methods that attribute to a layer value of several tensors, one result per tensor. */
export const SEVERAL_TENSOR_METHODS: readonly string[] = [
  "LayerActivation",
  "LayerGradCam",
  "InternalInfluence",
];

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
     * Validate `inputs` and `options.target` at the public boundary, then return the tap on the
     * layer's output (or its input with `options.attributeToLayerInput`) as the call sees it. A
     * value of several tensors is refused unless `several` (the method then splits its result
     * with {@linkcode CallTap.finish}).
     */
    protected validatedTap(
      inputs: tf.Tensor,
      options: Partial<TargetOptions & LayerInputOptions>,
      several = false,
    ): CallTap {
      this.validateInputsAndTarget(inputs, options.target);
      const toInput = options.attributeToLayerInput ?? false;
      return new CallTap(several ? this.taps.anyTap(toInput) : this.taps.tap(toInput));
    }

    /**
     * Run a perturbation method on the layer's activations (or input, with
     * `attributeToLayerInput`): `perturb` gets the forward function that runs the rest of the
     * model from the layer, with the inputs (tiled to the perturbed batch) reaching the branches
     * that bypass it, and the activations to perturb, disposed afterwards.
     */
    protected async perturbLayer(
      inputs: tf.Tensor,
      options: Partial<TargetOptions & LayerInputOptions>,
      perturb: (forward: ForwardFunction, values: tf.Tensor) => Promise<tf.Tensor>,
    ): Promise<tf.Tensor> {
      const tap = this.validatedTap(inputs, options);
      const n = inputs.shape[0];
      const values = tf.tidy(() => tap.layerValue(inputs).clone());
      try {
        // Perturbed activation batches are perturbation-major, so the inputs are tiled to match.
        const forward = (a: tf.Tensor) =>
          tap.forwardFrom(a, () => tileRows(inputs, a.shape[0] / n));
        return await perturb(forward, values);
      } finally {
        values.dispose();
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
