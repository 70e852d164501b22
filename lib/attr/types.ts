/**
 * Types shared by every explainer: what a model is, how a target is chosen, what a baseline is.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/**
 * A differentiable forward function: a batch of inputs (axis 0 is the batch) to a batch of outputs.
 * For classification the output is `[N, numClasses]` (logits or probabilities). A model of several
 * inputs takes them in order, then the `additionalForwardArgs`: `(a, b, ...extra) => y`.
 */
export type ForwardFunction = (inputs: tf.Tensor, ...more: never[]) => tf.Tensor;

/**
 * What a primary method attributes: one tensor, or one tensor per model input (Captum's tuple of
 * inputs), every one with the same batch size along axis 0.
 */
export type Inputs = tf.Tensor | readonly tf.Tensor[];

/**
 * What `attribute()` returns for {@linkcode Inputs} `T`: one tensor for one tensor, an array in
 * the inputs' order for an array.
 */
export type AttributionsOf<T extends Inputs> = T extends tf.Tensor ? tf.Tensor : tf.Tensor[];

/**
 * An option given per input (Captum's tuples): a value for a single tensor, or an array with one
 * entry per input for an array of inputs (a number may stand for every input where documented).
 */
export type PerInput<T> = T | readonly T[];

/** A layer attribution: one tensor, or one per tensor of a layer's value (Captum's tuple). */
export type LayerAttributions = tf.Tensor | tf.Tensor[];

/**
 * What an explainer explains: a `tf.LayersModel`, a `tf.GraphModel` (a converted TensorFlow
 * SavedModel; primary methods and metrics only, since layer methods need the model's layers) or a
 * {@linkcode ForwardFunction}.
 */
export type ModelLike = tf.LayersModel | tf.GraphModel | ForwardFunction;

/**
 * Which output an attribution explains, as in Captum's `target`:
 * - a class index (the same for every example), for a 2-D output `[N, numClasses]`;
 * - one class index per example (`number[]` of length N);
 * - a function of the model output returning one value per example (a `[N]` tensor), for any
 *   output shape (e.g. `(out) => out.slice([0, 3], [-1, 1]).reshape([-1])`).
 *
 * Leave it `undefined` only when the model already outputs one value per example (`[N]` or `[N, 1]`).
 */
export type Target = number | readonly number[] | ((output: tf.Tensor) => tf.Tensor);

/**
 * A reference input, as in Captum's `baselines`: a scalar (broadcast to the inputs' shape), a tensor
 * of the inputs' shape, or a tensor with batch size 1 (broadcast over the batch).
 */
export type Baseline = number | tf.Tensor;

/**
 * Baselines computed from the inputs, as Captum accepts a callable: called once per `attribute()`
 * call with the inputs, it returns a {@linkcode Baseline} (a number, a tensor of the inputs' shape,
 * or one with batch size 1). Tensors it creates are disposed after use; tensors it returns that
 * the caller holds are left alone. E.g. `ProductBaselines.asBaselines()`.
 */
export type BaselineFunction = (inputs: tf.Tensor) => Baseline;

/**
 * The `baselines` of the perturbation methods (FeatureAblation, Occlusion, ShapleyValueSampling,
 * ShapleyValues, KernelShap, Lime, NeuronFeatureAblation): a {@linkcode Baseline} or a
 * {@linkcode BaselineFunction}.
 */
export type PerturbationBaseline = Baseline | BaselineFunction;

/**
 * How the path integral of Integrated Gradients-style methods is approximated, as in Captum.
 */
export type ApproximationMethod =
  | "gausslegendre"
  | "riemann_left"
  | "riemann_right"
  | "riemann_middle"
  | "riemann_trapezoid";

/** All values of {@linkcode ApproximationMethod}. */
export const APPROXIMATION_METHODS: readonly ApproximationMethod[] = [
  "gausslegendre",
  "riemann_left",
  "riemann_right",
  "riemann_middle",
  "riemann_trapezoid",
];

/**
 * Attributions together with Captum's convergence delta: per example,
 * `sum(attributions) − (F(inputs)[target] − F(baselines)[target])`.
 * The caller owns (and disposes) both tensors.
 */
export interface AttributionWithDelta<A extends tf.Tensor | tf.Tensor[] = tf.Tensor> {
  /**
   * The attributions, in the inputs' shape (layer shape for layer methods); one tensor per input
   * for an array of inputs.
   */
  attributions: A;
  /** One value per example, shape `[N]`. */
  delta: tf.Tensor1D;
}
