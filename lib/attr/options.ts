/**
 * The options the gradient methods (primary, layer and neuron) share. Each method's options
 * interface extends the pieces it takes and re-documents a field where its meaning differs
 * (e.g. `NeuronConductanceOptions`' `method` default).
 *
 * @module
 */
import type { ApproximationMethod, Baseline, PerInput, Target } from "./types.ts";
import type { NeuronSelector } from "./neuron/neuron_selector.ts";

/**
 * The model output an attribution explains.
 *
 * @example
 * ```ts
 * import { Saliency, type TargetOptions, tf } from "../mod.ts";
 * const options: TargetOptions = { target: 1 };
 * const saliency = new Saliency((x: tf.Tensor) => x.mul(tf.tensor2d([[1, 2]])));
 * (await saliency.attribute(tf.tensor2d([[3, 4]]), options)).print(); // [[0, 2]]
 * ```
 */
export interface TargetOptions {
  /**
   * The output to explain: a class index, one index per example, or a function of the output.
   * @default undefined (the model outputs one value per example)
   */
  target?: Target;
}

/**
 * Arguments the model takes after the inputs, passed to it but not attributed (Captum's
 * `additional_forward_args`).
 *
 * @example
 * ```ts
 * import { type ForwardArgsOptions, Saliency, tf } from "../mod.ts";
 * // The second argument scales the output per example; it is not attributed.
 * const model = (x: tf.Tensor, scale: tf.Tensor) => x.sum(1).mul(scale);
 * const options: ForwardArgsOptions = { additionalForwardArgs: [tf.tensor1d([2, 3])] };
 * (await new Saliency(model).attribute(tf.tensor2d([[1, 1], [1, 1]]), options)).print();
 * // [[2, 2], [3, 3]]
 * ```
 */
export interface ForwardArgsOptions {
  /**
   * Passed to the model after the inputs, in order: `model(...inputs, ...additionalForwardArgs)`.
   * A tensor with a batch axis (axis 0 the inputs' batch size) is expanded as the method expands
   * the inputs (along steps, samples, perturbations), as Captum does; anything else (numbers,
   * 0-d tensors, objects) is passed unchanged. With a `tf.LayersModel`, the tensors for the model
   * inputs that follow the attributed ones.
   * @default undefined (the model takes the inputs alone)
   */
  additionalForwardArgs?: readonly unknown[];
}

/**
 * The reference input a path or difference method starts from.
 *
 * @example
 * ```ts
 * import { type BaselineOptions, DeepLift, tf } from "../mod.ts";
 * const options: BaselineOptions = { baselines: 1 };
 * const deepLift = new DeepLift((x: tf.Tensor) => x.sum(1, true));
 * (await deepLift.attribute(tf.tensor2d([[3, 4]]), options)).print(); // [[2, 3]]
 * ```
 */
export interface BaselineOptions {
  /**
   * The reference input: a number, a tensor of the inputs' shape, or one with batch size 1.
   * @default 0
   */
  baselines?: Baseline;
}

/**
 * The reference input of a primary path or difference method (IntegratedGradients, DeepLift),
 * per input for an array of inputs.
 *
 * @example
 * ```ts
 * import { IntegratedGradients, type InputBaselineOptions, tf } from "../mod.ts";
 * const options: InputBaselineOptions = { baselines: [0, tf.tensor2d([[1]])] };
 * const ig = new IntegratedGradients((a: tf.Tensor, b: tf.Tensor) => a.sum(1).add(b.sum(1)));
 * const [attrA, attrB] = await ig.attribute([tf.tensor2d([[3, 4]]), tf.tensor2d([[5]])], options);
 * attrA.print(); // [[3, 4]]
 * attrB.print(); // [[4]]
 * ```
 */
export interface InputBaselineOptions {
  /**
   * The reference input: a number, a tensor of the inputs' shape, or one with batch size 1. For
   * an array of inputs, an array with one such baseline per input (a single number serves all).
   * @default 0
   */
  baselines?: PerInput<Baseline>;
}

/**
 * Progress of a call that makes many forward passes (path methods, perturbation methods,
 * NoiseTunnel).
 *
 * @example
 * ```ts
 * import { IntegratedGradients, type ProgressOptions, tf } from "../mod.ts";
 * const options: ProgressOptions = { showProgress: true };
 * const ig = new IntegratedGradients((x: tf.Tensor) => x.square().sum(1, true));
 * (await ig.attribute(tf.tensor2d([[1, 2]]), options)).print(); // a bar on stderr, then ≈ [[1, 4]]
 * ```
 */
export interface ProgressOptions {
  /**
   * Show a progress bar while the call runs (Captum's `show_progress`): on stderr in a
   * terminal, as one display updated in place in Jupyter.
   * @default false
   */
  showProgress?: boolean;
}

/**
 * How a path integral is approximated and batched (Integrated Gradients and its relatives).
 *
 * @example
 * ```ts
 * import { IntegratedGradients, type IntegrationOptions, tf } from "../mod.ts";
 * const options: IntegrationOptions = { nSteps: 20, method: "riemann_trapezoid" };
 * const ig = new IntegratedGradients((x: tf.Tensor) => x.square().sum(1, true));
 * (await ig.attribute(tf.tensor2d([[1, 2]]), options)).print(); // ≈ [[1, 4]]
 * ```
 */
export interface IntegrationOptions extends ProgressOptions {
  /** Number of integration steps (points on the path from the baselines to the inputs). @default 50 */
  nSteps?: number;
  /** How the path integral is approximated. @default "gausslegendre" */
  method?: ApproximationMethod;
  /**
   * At most this many rows (examples × steps) per forward/backward pass, in chunks of
   * `max(1, floor(internalBatchSize / N))` steps; Captum's `internal_batch_size`. Results do not
   * depend on it. A chunk that would not fit the wasm heap is refused with a `RangeError` before
   * anything is allocated.
   * @default the rows that fit a 512 MiB budget at the model's measured cost per row (forward and
   * backward), at least one step of every example; all steps at once for small models
   */
  internalBatchSize?: number;
}

/**
 * The random draws of GradientShap and its layer and neuron variants (the baseline distribution
 * itself is documented by each method).
 *
 * @example
 * ```ts
 * import { GradientShap, type SamplingOptions, tf } from "../mod.ts";
 * const options: SamplingOptions = { nSamples: 2, seed: 1 };
 * const gs = new GradientShap((x: tf.Tensor) => x.sum(1, true));
 * const attr = await gs.attribute(tf.tensor2d([[1, 2]]), { ...options, baselines: tf.zeros([1, 2]) });
 * attr.print(); // [[1, 2]]
 * ```
 */
export interface SamplingOptions {
  /** Random samples per example. @default 5 */
  nSamples?: number;
  /** Standard deviation of the Gaussian noise added to the inputs (absolute units). @default 0 */
  stdevs?: number;
  /** Seed of the random draws (noise, baseline rows, α); the same seed gives the same result. @default 0 */
  seed?: number;
  /**
   * At most this many rows (examples × samples) per forward/backward pass. Results do not depend
   * on it. A chunk that would not fit the wasm heap is refused with a `RangeError` first.
   * @default the rows that fit a 512 MiB budget at the model's measured cost per row (forward and
   * backward); all samples at once for small models
   */
  internalBatchSize?: number;
}

/**
 * Layer methods: whether the layer's input or its output is attributed.
 *
 * @example
 * ```ts
 * import { LayerGradientXActivation, type LayerInputOptions, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const options: LayerInputOptions = { attributeToLayerInput: true };
 * const lgxa = new LayerGradientXActivation(model, "hidden");
 * (await lgxa.attribute(tf.tensor2d([[1, 2]]), options)).print(); // [[2, 4]]
 * ```
 */
export interface LayerInputOptions {
  /** Attribute to the layer's input instead of its output. @default false */
  attributeToLayerInput?: boolean;
}

/**
 * Neuron methods: the neuron explained, and whether it is selected in the layer's input.
 *
 * @example
 * ```ts
 * import { NeuronGradient, type NeuronOptions, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const options: NeuronOptions = { neuronSelector: [1] };
 * (await new NeuronGradient(model, "hidden").attribute(tf.tensor2d([[1, 2]]), options)).print();
 * // [[1, 1]]
 * ```
 */
export interface NeuronOptions {
  /** The neuron to explain: an index into the layer's value (NHWC `[h, w, c]`) or a function. */
  neuronSelector: NeuronSelector;
  /** Select the neuron in the layer's input instead of its output. @default false */
  attributeToNeuronInput?: boolean;
}
