/**
 * FeaturePermutation, as Captum's: for each feature group, shuffle its values across the batch
 * (a random permutation of the examples, never the identity) and take the drop in each example's
 * target output, `F(x) − F(x with the group permuted)`, broadcast to the group.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PerturbationAttribution } from "./attribution.ts";
import type { AttributionsOf, Inputs } from "./types.ts";
import type { PerturbationOptions } from "./perturbation_options.ts";
import { assertNumber, attributionRangeError } from "./_utils/errors.ts";
import type { PreparedCall } from "./_utils/multi_input.ts";
import { ablateEachFeature } from "./_utils/perturbation.ts";
import { SeededRandom } from "./_utils/seeded_random.ts";

/** Options of {@linkcode FeaturePermutation.attribute} (no baselines: a group takes another example's values). */
export interface FeaturePermutationOptions extends Omit<PerturbationOptions, "baselines"> {
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
   * Attributions of the inputs' shape (one tensor per input for an array of inputs; a feature
   * spanning inputs is permuted in all of them with one permutation). The caller owns the
   * returned tensors.
   *
   * @throws {RangeError} for a batch of one example, a bad mask or `perturbationsPerEval` < 1.
   */
  override attribute<T extends Inputs>(
    inputs: T,
    options: FeaturePermutationOptions = {},
  ): Promise<AttributionsOf<T>> {
    return this.attributeCall(
      inputs,
      options,
      { featureMask: true },
      (call) => this.#permute(call),
    );
  }

  #permute(call: PreparedCall<FeaturePermutationOptions>): Promise<tf.Tensor> {
    const method = this.methodName;
    const { inputs, options } = call;
    const { target, seed = 0 } = options;
    assertPermutableBatch(method, inputs, seed, "features");
    const n = inputs.shape[0];
    const { mask, perturbationsPerEval } = this.resolveFeatures(call);
    const random = new SeededRandom(seed);
    const perms = Array.from(mask.present, () => {
      for (;;) {
        const p = random.permutation(n);
        if (p.some((v, i) => v !== i)) return p;
      }
    });
    return ablateEachFeature({
      method,
      forward: call.forward,
      inputs,
      replacementRows: (start, end) => {
        const idx = new Int32Array((end - start) * n);
        for (let p = start; p < end; p++) idx.set(perms[p], (p - start) * n);
        return tf.gather(inputs, tf.tensor1d(idx, "int32"));
      },
      target,
      mask,
      perturbationsPerEval,
      showProgress: options.showProgress,
    });
  }
}

/**
 * Check a permutation method's `seed` and that `inputs` hold at least 2 examples to permute
 * `what` ("features", "activations") across.
 *
 * @throws {TypeError} for a non-finite seed; {@link RangeError} for a batch of one.
 */
export function assertPermutableBatch(
  method: string,
  inputs: tf.Tensor,
  seed: number,
  what: string,
): void {
  assertNumber(method, "seed", seed);
  if (inputs.shape[0] < 2) {
    throw attributionRangeError(
      method,
      "inputs",
      `a batch of at least 2 examples (${what} are permuted across the batch)`,
      inputs,
      "Pass several examples at once, e.g. a test batch.",
    );
  }
}
