/**
 * ShapleyValueSampling, as Captum's: for each of `nSamples` random orders of the feature groups,
 * start from the all-baseline input, switch the groups to the input one at a time, credit each with
 * the change of the target output, and average over the orders.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PERTURBATION_SPEC, PerturbationAttribution } from "./attribution.ts";
import type { AttributionsOf, Inputs } from "./types.ts";
import type { PerturbationOptions } from "./perturbation_options.ts";
import type { PreparedCall } from "./_utils/multi_input.ts";
import { assertSamplingOptions, broadcastToFeatures } from "./_utils/perturbation.ts";
import { SeededRandom } from "./_utils/seeded_random.ts";

/** Options of {@linkcode ShapleyValueSampling.attribute}. */
export interface ShapleyValueSamplingOptions extends PerturbationOptions {
  /** Number of random feature orders (permutations). @default 25 */
  nSamples?: number;
  /** Seed of the permutations. @default 0 */
  seed?: number;
}

/**
 * Shapley values estimated by sampling feature orders. Exact (for any nSamples) on additive
 * models: each group gets its own term's change.
 *
 * @example
 * ```ts
 * import { ShapleyValueSampling, tf } from "../mod.ts";
 * const svs = new ShapleyValueSampling((x: tf.Tensor) => x.mul(tf.tensor1d([1, 2, 3])).sum(1));
 * const attr = await svs.attribute(tf.tensor2d([[1, 1, 1]]), { nSamples: 5 });
 * attr.print(); // [[1, 2, 3]]
 * ```
 */
export class ShapleyValueSampling extends PerturbationAttribution {
  /**
   * Attributions of the inputs' shape (one tensor per input for an array of inputs; the feature
   * groups of all inputs are ordered together, as Captum's). The caller owns the returned
   * tensors.
   *
   * @throws {RangeError} for `nSamples` or `perturbationsPerEval` < 1, or a bad mask.
   */
  override attribute<T extends Inputs>(
    inputs: T,
    options: ShapleyValueSamplingOptions = {},
  ): Promise<AttributionsOf<T>> {
    return this.attributeCall(inputs, options, PERTURBATION_SPEC, (call) => this.#sample(call));
  }

  #sample(call: PreparedCall<ShapleyValueSamplingOptions>): Promise<tf.Tensor> {
    const { inputs, options } = call;
    const { nSamples = 25, seed = 0 } = options;
    const { mask, perturbationsPerEval } = this.resolveFeatures(call);
    assertSamplingOptions(this.methodName, nSamples, seed);
    const n = inputs.shape[0];
    const { ids, maskBatch, present, starts, members } = mask;
    const m = present.length;
    const random = new SeededRandom(seed);
    const orders = Array.from({ length: nSamples }, () => random.permutation(m));
    // Perturbation s·m + k: order s with its first k + 1 groups switched to the input.
    return this.perturbTowardBaselines(call, {
      numPerturbations: nSamples * m,
      perturbationsPerEval,
      initialAt: "baselines",
      keepBlock: (start, end) => {
        const size = ids.length;
        const keep = new Float32Array((end - start) * size);
        let prefix = new Float32Array(size);
        let prefixAt = -1; // index of the perturbation `prefix` holds
        for (let p = start; p < end; p++) {
          const s = Math.floor(p / m);
          const k = p % m;
          if (prefixAt < 0 || Math.floor(prefixAt / m) !== s) {
            // Rebuild the order's prefix up to k − 1.
            prefix = new Float32Array(size);
            for (let j = 0; j < k; j++) {
              const f = present[orders[s][j]];
              for (let q = starts[f]; q < starts[f + 1]; q++) prefix[members[q]] = 1;
            }
          }
          const f = present[orders[s][k]];
          for (let q = starts[f]; q < starts[f + 1]; q++) prefix[members[q]] = 1;
          prefixAt = p;
          keep.set(prefix, (p - start) * size);
        }
        return { keep, perExample: maskBatch > 1 };
      },
    }, (initial, outputs) => {
      // Credit each group with its marginal change, averaged over the orders.
      const credit = new Float64Array(n * m);
      for (let s = 0; s < nSamples; s++) {
        for (let e = 0; e < n; e++) {
          let prev = initial[e];
          for (let k = 0; k < m; k++) {
            const value = outputs[(s * m + k) * n + e];
            credit[e * m + orders[s][k]] += value - prev;
            prev = value;
          }
        }
      }
      return broadcastToFeatures(mask, inputs, (e, p) => credit[e * m + p] / nSamples);
    });
  }
}
