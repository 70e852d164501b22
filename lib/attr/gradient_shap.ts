/**
 * GradientSHAP (Lundberg & Lee, 2017), as Captum's `GradientShap`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { SamplingOptions, TargetOptions } from "./options.ts";
import { GradientAttribution, type PathAttributions } from "./attribution.ts";
import type { AttributionWithDelta, ModelLike } from "./types.ts";
import { assertBaselineDistribution } from "./_utils/baselines.ts";
import { rowChunks } from "./_utils/batching.ts";
import { assertInteger, assertNumber } from "./_utils/errors.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";
import { seededRandom } from "./_utils/random.ts";
import { repeatInterleave, repeatTarget } from "./_utils/repeat.ts";
import { sliceTarget } from "./_utils/target.ts";

/** Constructor options of {@linkcode GradientShap}. */
export interface GradientShapConfig {
  /**
   * Multiply the gradients by `(noisy inputs − baselines)` (global attribution). When false,
   * return the expected gradients alone.
   * @default true
   */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode GradientShap.attribute}. */
export interface GradientShapOptions extends TargetOptions, SamplingOptions {
  /**
   * Required. The baseline distribution: a tensor of reference rows `[B, ...]` with the shape of
   * one example (B ≥ 1); each sample draws one row uniformly, with replacement.
   */
  baselines: tf.Tensor;
}

/**
 * GradientSHAP: expected gradients along random points between random baselines and noisy
 * inputs. For each example and each of `nSamples` samples: `x̃ = x + N(0, stdevs²)`, a baseline row
 * `b` drawn uniformly from `baselines`, `α ~ U(0, 1)`, and the contribution
 * `∇F(b + α(x̃ − b)) ⊙ (x̃ − b)`; the result is the mean over samples. Random draws come from
 * `seed`, so results are reproducible (they differ from Captum's, which uses torch's generator).
 *
 * @example
 * ```ts
 * import { GradientShap, tf } from "../mod.ts";
 * const gs = new GradientShap((x: tf.Tensor) => x.mul(tf.tensor2d([[2, -1]])).sum(1, true));
 * const attr = await gs.attribute(tf.tensor2d([[1, 1]]), { baselines: tf.zeros([3, 2]) });
 * attr.print(); // [[2, -1]] (a linear model: w ⊙ (x − b))
 * attr.dispose();
 * ```
 */
export class GradientShap extends GradientAttribution {
  /** Whether attributions are multiplied by `(inputs − baselines)`. */
  readonly multiplyByInputs: boolean;

  /**
   * @param model a `tf.LayersModel` or a forward function `(x) => y`.
   * @param config `{ multiplyByInputs }`.
   */
  constructor(model: ModelLike, config: GradientShapConfig = {}) {
    super(model);
    this.multiplyByInputs = config.multiplyByInputs ?? true;
  }

  /**
   * GradientSHAP attributions of `target`, in the inputs' shape. The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, missing baselines
   *   or baseline rows of another shape, or a model output a class index cannot select.
   * @throws {RangeError} for `nSamples < 1`, negative `stdevs` or a target out of range.
   */
  attribute(inputs: tf.Tensor, options: GradientShapOptions): Promise<tf.Tensor> {
    return this.settle(() => this.samples(inputs, options));
  }

  /**
   * Attributions and Captum's convergence delta, one per sample as Captum returns it: shape
   * `[N · nSamples]`, example-major, `Σ contribution − (F(x̃)[t] − F(b)[t])`. The caller owns both.
   *
   * @example
   * ```ts
   * import { GradientShap, tf } from "../mod.ts";
   * const gs = new GradientShap((x: tf.Tensor) => x.sum(1, true));
   * const { attributions, delta } = await gs.attributeWithDelta(tf.tensor2d([[1, 2]]), {
   *   baselines: tf.zeros([1, 2]),
   *   nSamples: 2,
   * });
   * delta.print(); // [0, 0]
   * tf.dispose([attributions, delta]);
   * ```
   */
  attributeWithDelta(
    inputs: tf.Tensor,
    options: GradientShapOptions,
  ): Promise<AttributionWithDelta> {
    return this.settleWithDelta(() => this.samples(inputs, options), inputs, options?.target);
  }

  /** Per-sample contributions `[N·nSamples, ...]`, the noisy inputs and the drawn baselines. */
  private samples(inputs: tf.Tensor, options: GradientShapOptions): PathAttributions {
    const name = this.methodName;
    const { target, nSamples = 5, stdevs = 0, seed = 0, internalBatchSize } = options ?? {};
    this.validateInputsAndTarget(inputs, target);
    assertBaselineDistribution(name, inputs, options?.baselines);
    assertInteger(name, "nSamples", nSamples);
    assertNumber(name, "stdevs", stdevs, 0);
    assertNumber(name, "seed", seed);
    const rows = inputs.shape[0] * nSamples;
    const chunks = rowChunks(name, rows, internalBatchSize);
    const rowShape = inputs.shape.slice(1);
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    const random = seededRandom(seed);
    const noise = random.normals(rows * rowSize, stdevs);
    const numBaselines = options.baselines.shape[0];
    const picks = Int32Array.from({ length: rows }, () => random.int(numBaselines));
    const alphas = Float32Array.from({ length: rows }, () => random.uniform());
    return tf.tidy(() => {
      const noisy = repeatInterleave(inputs, nSamples).add(tf.tensor(noise, [rows, ...rowShape]));
      const baselines = tf.gather(options.baselines.toFloat(), tf.tensor1d(picks, "int32"));
      const expandedTarget = repeatTarget(target, nSamples);
      const parts = chunks.map(([start, end]) =>
        tf.tidy(() => {
          const size = end - start;
          const begin = [start, ...rowShape.map(() => 0)];
          const shape = [size, ...rowShape];
          const x = noisy.slice(begin, shape);
          const b = baselines.slice(begin, shape);
          const a = tf.tensor(alphas.subarray(start, end), [size, ...rowShape.map(() => 1)]);
          const diff = x.sub(b);
          const grads = gradientsOfTarget(
            name,
            this.forward,
            b.add(a.mul(diff)),
            sliceTarget(expandedTarget, start, size),
          );
          return this.multiplyByInputs ? grads.mul(diff) : grads;
        })
      );
      const attributions = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      return { attributions, baselines, endPoints: noisy, pathsPerExample: nSamples };
    });
  }
}
