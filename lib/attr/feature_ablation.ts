/**
 * FeatureAblation, as Captum's: a feature group's attribution is the drop in the target output when
 * the group is replaced by the baseline, `F(x) − F(x with the group ablated)`, broadcast to every
 * element of the group.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PerturbationAttribution } from "./attribution.ts";
import type { Baseline, Target } from "./types.ts";
import { resolveBaselines } from "./_utils/baselines.ts";
import { resolveFeatureMask } from "./_utils/feature_mask.ts";
import {
  evaluatePerturbations,
  evaluateTarget,
  resolvePerturbationsPerEval,
} from "./_utils/perturbation.ts";

/** Options of {@linkcode FeatureAblation.attribute}. */
export interface FeatureAblationOptions {
  /** The output to explain (a class index, one per example, or a function of the output). */
  target?: Target;
  /** The value an ablated feature takes: a scalar, a tensor of the inputs' shape or batch 1. @default 0 */
  baselines?: Baseline;
  /**
   * Integer group ids broadcastable to the inputs (batch 1 for one mask shared by every example,
   * or batch N); elements with the same id are ablated together.
   * @default every scalar of an example is its own feature
   */
  featureMask?: tf.Tensor;
  /**
   * Features ablated per forward pass (each contributes N rows). Results do not depend on it.
   * @default as many as make about 128 rows per pass (Captum's default is 1)
   */
  perturbationsPerEval?: number;
}

/**
 * Attribution by ablating feature groups one at a time.
 *
 * @example
 * ```ts
 * import { FeatureAblation, tf } from "../mod.ts";
 * const ablation = new FeatureAblation((x: tf.Tensor) => x.mul(tf.tensor1d([1, 2, 3])).sum(1));
 * const attr = await ablation.attribute(tf.tensor2d([[1, 1, 1]]), {
 *   featureMask: tf.tensor2d([[0, 0, 1]], undefined, "int32"),
 * });
 * attr.print(); // [[3, 3, 3]]
 * ```
 */
export class FeatureAblation extends PerturbationAttribution {
  /**
   * Attributions of the inputs' shape. The caller owns the returned tensor.
   *
   * @throws {TypeError} for a mask or baselines that do not broadcast to the inputs.
   * @throws {RangeError} for a non-integer mask id or `perturbationsPerEval` < 1.
   */
  override async attribute(
    inputs: tf.Tensor,
    options: FeatureAblationOptions = {},
  ): Promise<tf.Tensor> {
    const method = this.methodName;
    const { target } = options;
    this.validateInputsAndTarget(inputs, target);
    const n = inputs.shape[0];
    const mask = resolveFeatureMask(method, inputs, options.featureMask);
    const ppe = resolvePerturbationsPerEval(method, options.perturbationsPerEval, n);
    const baselines = resolveBaselines(method, inputs, options.baselines);
    try {
      const { ids, maskBatch, featureSize, present, starts, members } = mask;
      const initial = await evaluateTarget(method, this.forward, inputs, target);
      const outputs = await evaluatePerturbations({
        method,
        forward: this.forward,
        inputs,
        replacement: baselines,
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
      // Scatter each feature's output drop to its elements (on the host).
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
    } finally {
      baselines.dispose();
    }
  }
}
