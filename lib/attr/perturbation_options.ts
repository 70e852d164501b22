/**
 * The options the perturbation methods (FeatureAblation, FeaturePermutation, ShapleyValueSampling,
 * KernelShap, Lime, Occlusion) share. Each method's options extend {@linkcode PerturbationOptions}
 * (leaving out what it does not take) and re-document a field where its meaning differs.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, ProgressOptions } from "./options.ts";
import type { PerInput, PerturbationBaseline, Target } from "./types.ts";

/**
 * Options common to the perturbation methods.
 *
 * @example
 * ```ts
 * import { FeatureAblation, type PerturbationOptions, tf } from "../mod.ts";
 * const options: PerturbationOptions = { target: 0, baselines: 0, perturbationsPerEval: 4 };
 * const ablation = new FeatureAblation((x: tf.Tensor) => x.mul(tf.tensor2d([[1, 2, 3]])));
 * (await ablation.attribute(tf.tensor2d([[1, 1, 1]]), options)).print(); // [[1, 0, 0]]
 * ```
 */
export interface PerturbationOptions extends ProgressOptions, ForwardArgsOptions {
  /** The output to explain (a class index, one per example, or a function of the output). */
  target?: Target;
  /**
   * The values a perturbed ("absent") element takes: a scalar, a tensor of the inputs' shape or
   * batch 1, or a function of the inputs returning one (a `BaselineFunction`, e.g.
   * `ProductBaselines.asBaselines()`), called once per call. For an array of inputs, an array
   * with one such baseline per input (a single number serves all). @default 0
   */
  baselines?: PerInput<PerturbationBaseline>;
  /**
   * Integer group ids broadcastable to the inputs (batch 1 for one mask shared by every example,
   * or batch N); elements with the same id are perturbed together, as one feature. For an array
   * of inputs, one mask per input; an id used in several inputs' masks is one feature spanning
   * them (as Captum's cross-tensor masks).
   * @default every scalar of an example is its own feature (numbered across the inputs in order)
   */
  featureMask?: PerInput<tf.Tensor>;
  /**
   * Perturbations (features ablated or permuted, feature additions, coalitions, samples or
   * windows) evaluated per forward pass (each contributes N rows). Results do not depend on it. A
   * pass that would not fit the wasm heap is refused with a `RangeError` first.
   * @default as many as make about 128 rows per pass, fewer when those would not fit a 512 MiB
   * budget at the model's measured cost per row (Captum's default is 1)
   */
  perturbationsPerEval?: number;
}
