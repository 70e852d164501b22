/**
 * What the deletion and insertion curves share: their options and their result.
 *
 * @module
 */
import type { Target } from "../attr/types.ts";
export { PERTURBATION_ORDERS } from "./_feature_groups.ts";
export type { PerturbationOrder } from "./_feature_groups.ts";
import type { PerturbationOrder } from "./_feature_groups.ts";

/** Options of {@linkcode deletionCurve} and {@linkcode insertionCurve}. */
export interface PerturbationCurveOptions {
  /** The output explained (a class index, one per example, or a function of the output). */
  target?: Target;
  /**
   * Which features go first: the most relevant (`"morf"`, highest attribution first) or the least
   * relevant (`"lerf"`, lowest first). Relevance is signed, as in Samek et al. (2017).
   * @default "morf"
   */
  order?: PerturbationOrder;
  /**
   * Side of the square patches that are removed or inserted together, for NHWC images (a patch's
   * relevance is the sum of its attributions over pixels and channels). 1: single pixels.
   * @default 1
   */
  patchSize?: number;
  /**
   * What a removed feature becomes (deletion) or what the image starts from (insertion): a
   * constant, or `"blur"` for the same image under a Gaussian blur (Petsiuk et al., 2018).
   * @default 0
   */
  replacement?: number | "blur";
  /** Standard deviation in pixels of the `"blur"` replacement. @default 2 */
  blurSigma?: number;
  /**
   * Points of the curve after the unperturbed one: point k perturbs round(k · F / nSteps) of the
   * F features (at most F steps).
   * @default 20
   */
  nSteps?: number;
  /** Score the softmax of the output (probabilities) instead of the raw output. @default false */
  softmax?: boolean;
  /**
   * Perturbed inputs per forward pass.
   * @default as many as fit a 512 MiB budget at the model's measured cost per row, at most 256
   */
  batchSize?: number;
}

/** A deletion or insertion curve, per example. Plain numbers: nothing to dispose. */
export interface PerturbationCurve {
  /** The x axis: fraction of features perturbed at each point, from 0 to 1. */
  fractions: number[];
  /** Per example, the score of the explained output at each point. */
  scores: Float64Array[];
  /** Per example, the area under the curve over the fractions (trapezoidal rule). */
  auc: Float64Array;
}

/** A deletion curve, with Samek et al.'s area over the perturbation curve. */
export interface DeletionCurve extends PerturbationCurve {
  /**
   * Per example, AOPC = 1/(L+1) · Σ_{k=0..L} (f(x⁽⁰⁾) − f(x⁽ᵏ⁾)) over the L + 1 points (Samek et
   * al., 2017; with `order: "morf"`, higher is better).
   */
  aopc: Float64Array;
}
