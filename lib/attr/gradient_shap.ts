/**
 * GradientSHAP (Lundberg & Lee, 2017), as Captum's `GradientShap`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, SamplingOptions, TargetOptions } from "./options.ts";
import type { PathAttributions } from "./attribution.ts";
import { PathAttribution } from "./_path_method.ts";
import type { ForwardFunction, ModelLike, PerInput } from "./types.ts";
import type { CallSpec, PackedOptions } from "./_utils/multi_input.ts";
import { gradientShapPaths, resolveSamplingOptions } from "./_utils/gradient_shap_paths.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";

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
export interface GradientShapOptions
  extends TargetOptions, Omit<SamplingOptions, "stdevs">, ForwardArgsOptions {
  /**
   * Required. The baseline distribution: a tensor of reference rows `[B, ...]` with the shape of
   * one example (B ≥ 1); each sample draws one row uniformly, with replacement. For an array of
   * inputs, one distribution per input, all with B rows (a draw picks the same row of each).
   */
  baselines: PerInput<tf.Tensor>;
  /**
   * Standard deviation of the Gaussian noise added to the inputs (absolute units); for an array
   * of inputs, a number for all or one per input. @default 0
   */
  stdevs?: PerInput<number>;
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
 *
 * `attributeWithDelta()` adds Captum's convergence delta, one per sample as Captum returns it:
 * shape `[N · nSamples]`, example-major, `Σ contribution − (F(x̃)[t] − F(b)[t])`. Both methods
 * throw a `TypeError` for non-float inputs, inputs that do not fit the model, missing baselines
 * or baseline rows of another shape, or a model output a class index cannot select, and a
 * `RangeError` for `nSamples < 1`, negative `stdevs` or a target out of range. The caller owns the
 * tensors returned.
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
export class GradientShap extends PathAttribution<[options: GradientShapOptions]> {
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

  /** Per-sample contributions `[N·nSamples, ...]`, the noisy inputs and the drawn baselines. */
  protected get callSpec(): CallSpec {
    return { baselines: "distribution", stdevs: true };
  }

  protected paths(
    inputs: tf.Tensor,
    options: PackedOptions<GradientShapOptions>,
    forward: ForwardFunction,
  ): PathAttributions {
    const name = this.methodName;
    const resolved = resolveSamplingOptions(name, inputs, options, forward);
    return gradientShapPaths(name, inputs, resolved, (x, b, point, target) => {
      const grads = gradientsOfTarget(name, forward, point, target);
      return this.multiplyByInputs ? grads.mul(x.sub(b)) : grads;
    });
  }
}
