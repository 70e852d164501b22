/**
 * KernelShap, as Captum's: Shapley values through a weighted linear regression over binary
 * coalitions of feature groups.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Lime } from "./lime.ts";
import type { PerturbationOptions } from "./perturbation_options.ts";
import type { Inputs, ModelLike, PerInput, PerturbationBaseline } from "./types.ts";
import { PERTURBATION_SPEC } from "./attribution.ts";
import type { SampleRandom } from "./lime_base.ts";
import { weightedLeastSquares } from "./_utils/linear_regression.ts";

/** Weight of the all-ones and all-zeros coalitions (Captum's `inf_weight`). */
export const KERNEL_SHAP_INF_WEIGHT = 1e6;

/** Options of {@linkcode KernelShap.attribute}. */
export interface KernelShapOptions extends PerturbationOptions {
  /**
   * The values of an "absent" feature (z = 0 maps to the baseline): a scalar, a tensor of the
   * inputs' shape or batch 1, or a function of the inputs returning one (e.g.
   * `ProductBaselines.asBaselines()`). For an array of inputs, one per input. @default 0
   */
  baselines?: PerInput<PerturbationBaseline>;
  /**
   * Integer group ids broadcastable to the inputs (batch 1 or N): the interpretable features.
   * Ids are shifted so the smallest is 0, as in Captum. Grouping (e.g. superpixels) makes the
   * regression far better posed than the default. For an array of inputs, one mask per input
   * (an id in several masks is one feature spanning them).
   * @default every scalar of an example is its own feature
   */
  featureMask?: PerInput<tf.Tensor>;
  /** Coalitions sampled per example (the first two are all ones and all zeros). @default 25 */
  nSamples?: number;
  /** Seed of the coalitions. @default 0 */
  seed?: number;
}

/**
 * Kernel SHAP: Lime with another rule, as Captum's `KernelShap(Lime)`. Sampling as Captum: the first coalition is all ones and the second all zeros, both
 * weighted 1e6; every other draws a size k in 1 … M − 1 with p(k) ∝ (M − 1)/(k(M − k)) and a uniform
 * subset of that size, weighted 1. A coalition z evaluates the model at `x·z + baseline·(1 − z)`;
 * the coefficients of a weighted least-squares fit with intercept (minimum-norm when
 * underdetermined, as scikit-learn's) are the attributions, broadcast to the groups. One surrogate
 * per example.
 *
 * @example
 * ```ts
 * import { KernelShap, tf } from "../mod.ts";
 * const ks = new KernelShap((x: tf.Tensor) => x.mul(tf.tensor1d([1, 2, 3])).sum(1));
 * const attr = await ks.attribute(tf.tensor2d([[1, 1, 1]]), { nSamples: 50 });
 * attr.print(); // ≈ [[1, 2, 3]]
 * ```
 */
export class KernelShap extends Lime {
  /** @param model a `tf.LayersModel` or a forward function. */
  constructor(model: ModelLike) {
    // Captum's KernelShap parts, as LimeBase sees them (attribute() runs them on the fast path).
    super(model, {
      interpretableModel: (x, y, w, rows, cols) => weightedLeastSquares(x, y, w, rows, cols).coef,
      similarityFunc: (_x, _p, z) => kernelShapSimilarity(z),
      perturbFunc: (_x, { random, sample, numFeatures }) => {
        const z = new Float32Array(numFeatures);
        kernelShapDraw(numFeatures, random, sample, z);
        return z;
      },
    });
  }

  /**
   * Attributions of the inputs' shape (one tensor per input for an array of inputs; the
   * coalitions range over the feature groups of all inputs together, as Captum's). The caller
   * owns the returned tensors.
   *
   * @throws {RangeError} for `nSamples` or `perturbationsPerEval` < 1, or a bad mask.
   */
  override attribute(inputs: tf.Tensor, options?: KernelShapOptions): Promise<tf.Tensor>;
  override attribute(
    inputs: readonly tf.Tensor[],
    options?: KernelShapOptions,
  ): Promise<tf.Tensor[]>;
  override attribute(
    inputs: Inputs,
    options: KernelShapOptions = {},
  ): Promise<tf.Tensor | tf.Tensor[]> {
    return this.attributeCall(
      inputs,
      options,
      PERTURBATION_SPEC,
      (call) =>
        this.fitSurrogate(call, (m, random) => ({
          draw: (s, z) => kernelShapDraw(m, random, s, z),
          similarity: kernelShapSimilarity,
          fit: weightedLeastSquares,
        })),
    );
  }
}

/**
 * Captum's KernelShap sampling: sample 0 all ones, sample 1 all zeros, then a size k in
 * 1 … M − 1 with p(k) ∝ (M − 1)/(k(M − k)) and a uniform subset of that size.
 */
function kernelShapDraw(m: number, random: SampleRandom, s: number, z: Float32Array): void {
  if (s === 0 || m === 1) return void z.fill(s % 2 === 0 ? 1 : 0);
  if (s === 1) return void z.fill(0);
  // p(k) ∝ (M − 1) / (k (M − k)) for k = 1 … M − 1 (index 0 unused).
  const sizeWeights = new Float64Array(m);
  for (let k = 1; k < m; k++) sizeWeights[k] = (m - 1) / (k * (m - k));
  const k = random.categorical(sizeWeights);
  // A uniform k-subset: the k largest of M uniform keys.
  const keys = new Float64Array(m);
  const order = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    keys[j] = random.next();
    order[j] = j;
  }
  order.sort((a, b) => keys[b] - keys[a]);
  z.fill(0);
  for (let j = 0; j < k; j++) z[order[j]] = 1;
}

/** Captum's KernelShap weight: 1e6 for the all-ones and all-zeros samples, else 1. */
function kernelShapSimilarity(z: Float32Array): number {
  let ones = 0;
  for (let j = 0; j < z.length; j++) ones += z[j];
  return ones === 0 || ones === z.length ? KERNEL_SHAP_INF_WEIGHT : 1;
}
