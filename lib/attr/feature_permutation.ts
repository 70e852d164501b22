/**
 * FeaturePermutation, as Captum's: for each feature group, shuffle its values across the batch
 * (a random permutation of the examples, never the identity) and take the drop in each example's
 * target output, `F(x) − F(x with the group permuted)`, broadcast to the group.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PerturbationAttribution } from "./attribution.ts";
import type { Target } from "./types.ts";
import { assertNumber, attributionRangeError } from "./_utils/errors.ts";
import { resolveFeatureMask } from "./_utils/feature_mask.ts";
import {
  evaluatePerturbations,
  evaluateTarget,
  resolvePerturbationsPerEval,
} from "./_utils/perturbation.ts";
import { SeededRandom } from "./_utils/seeded_random.ts";

/** Options of {@linkcode FeaturePermutation.attribute}. */
export interface FeaturePermutationOptions {
  /** The output to explain (a class index, one per example, or a function of the output). */
  target?: Target;
  /**
   * Integer group ids broadcastable to the inputs (batch 1 or N); a group is permuted as a whole.
   * @default every scalar of an example is its own feature
   */
  featureMask?: tf.Tensor;
  /**
   * Features permuted per forward pass (each contributes N rows). Results do not depend on it.
   * @default as many as make about 128 rows per pass (Captum's default is 1)
   */
  perturbationsPerEval?: number;
  /** Seed of the permutations. @default 0 */
  seed?: number;
}

/**
 * Permutation feature importance over a batch (needs at least 2 examples).
 *
 * @example
 * ```ts
 * import { FeaturePermutation, tf } from "../mod.ts";
 * const fp = new FeaturePermutation((x: tf.Tensor) => x.mul(tf.tensor1d([1, 10])).sum(1));
 * const attr = await fp.attribute(tf.tensor2d([[1, 1], [2, 3]]));
 * attr.print(); // [[-1, -20], [1, 20]]: with two examples the permutation swaps them
 * ```
 */
export class FeaturePermutation extends PerturbationAttribution {
  /**
   * Attributions of the inputs' shape. The caller owns the returned tensor.
   *
   * @throws {RangeError} for a batch of one example, a bad mask or `perturbationsPerEval` < 1.
   */
  override async attribute(
    inputs: tf.Tensor,
    options: FeaturePermutationOptions = {},
  ): Promise<tf.Tensor> {
    const method = this.methodName;
    const { target, seed = 0 } = options;
    this.validateInputsAndTarget(inputs, target);
    assertNumber(method, "seed", seed);
    const n = inputs.shape[0];
    if (n < 2) {
      throw attributionRangeError(
        method,
        "inputs",
        "a batch of at least 2 examples (features are permuted across the batch)",
        inputs,
        "Pass several examples at once, e.g. a test batch.",
      );
    }
    const mask = resolveFeatureMask(method, inputs, options.featureMask);
    const ppe = resolvePerturbationsPerEval(method, options.perturbationsPerEval, n);
    const { ids, maskBatch, featureSize, present, starts, members } = mask;
    const random = new SeededRandom(seed);
    const perms = Array.from(present, () => {
      for (;;) {
        const p = random.permutation(n);
        if (p.some((v, i) => v !== i)) return p;
      }
    });
    const initial = await evaluateTarget(method, this.forward, inputs, target);
    const outputs = await evaluatePerturbations({
      method,
      forward: this.forward,
      inputs,
      replacementRows: (start, end) => {
        const idx = new Int32Array((end - start) * n);
        for (let p = start; p < end; p++) idx.set(perms[p], (p - start) * n);
        return tf.gather(inputs, tf.tensor1d(idx, "int32"));
      },
      target,
      numPerturbations: present.length,
      perturbationsPerEval: ppe,
      keepBlock: (start, end) => {
        const keep = new Float32Array((end - start) * maskBatch * featureSize).fill(1);
        for (let p = start; p < end; p++) {
          const f = present[p];
          const offset = (p - start) * ids.length;
          for (let k = starts[f]; k < starts[f + 1]; k++) keep[offset + members[k]] = 0;
        }
        return { keep, perExample: maskBatch > 1 };
      },
    });
    const slot = new Int32Array(mask.numFeatures).fill(-1);
    present.forEach((f, p) => (slot[f] = p));
    const attr = new Float32Array(n * featureSize);
    for (let e = 0; e < n; e++) {
      const row = maskBatch > 1 ? e : 0;
      for (let i = 0; i < featureSize; i++) {
        const p = slot[ids[row * featureSize + i]];
        attr[e * featureSize + i] = initial[e] - outputs[p * n + e];
      }
    }
    return tf.tensor(attr, inputs.shape);
  }
}
