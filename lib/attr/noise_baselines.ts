/**
 * A distribution of baselines for the SHAP-style methods: an all-zero (black) image and images
 * of uniform noise.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options of {@linkcode noiseBaselines}. */
export interface NoiseBaselinesOptions {
  /**
   * Number of uniform-noise images.
   * @default 4
   */
  count?: number;
  /**
   * Put an all-zero (black) image first.
   * @default true
   */
  includeZeros?: boolean;
  /**
   * Lower bound of the noise (inclusive).
   * @default 0
   */
  low?: number;
  /**
   * Upper bound of the noise (exclusive).
   * @default 1
   */
  high?: number;
  /**
   * Seed of the noise (the same seed gives the same images).
   * @default 0
   */
  seed?: number;
}

/**
 * Baselines for methods that average over a **distribution** of baselines (`GradientShap`,
 * `DeepLiftShap`, `NeuronGradientShap`, …): an all-zero image (unless `includeZeros` is false)
 * followed by `count` images whose every value is drawn uniformly from `[low, high)`. Each
 * baseline has the shape of one example of the inputs.
 *
 * @example
 * ```ts
 * import { noiseBaselines, tf } from "../mod.ts";
 * const image = tf.zeros([1, 28, 28, 1]);
 * const baselines = noiseBaselines(image.shape, { count: 4, seed: 0 });
 * console.log(baselines.shape); // [5, 28, 28, 1]: black, then 4 noise images in [0, 1)
 * tf.dispose([image, baselines]);
 * ```
 *
 * @param shape The inputs' shape `[batch, ...example]`; the batch size is ignored.
 * @returns A float32 tensor `[count + 1, ...example]` (`[count, ...example]` without the zero
 * image); the caller disposes it.
 * @throws {TypeError} if `shape` is not at least two positive integers.
 * @throws {RangeError} if `count` is not a non-negative integer, no baseline would be made,
 * `low >= high`, a bound or the seed is not finite.
 */
export function noiseBaselines(
  shape: readonly number[],
  options: NoiseBaselinesOptions = {},
): tf.Tensor {
  const what = "Cannot make noise baselines";
  const { count = 4, includeZeros = true, low = 0, high = 1, seed = 0 } = options;
  if (
    !Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d >= 1)
  ) {
    throw new TypeError(
      `${what}: shape must be the inputs' shape [batch, ...example] of positive integers, ` +
        `received ${JSON.stringify(shape)}. Pass e.g. image.shape.`,
    );
  }
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(
      `${what}: count must be a non-negative integer, received ${count}. Pass e.g. count: 4.`,
    );
  }
  if (count === 0 && !includeZeros) {
    throw new RangeError(
      `${what}: count is 0 and includeZeros is false, so there would be no baseline. ` +
        "Pass count >= 1 or includeZeros: true.",
    );
  }
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new RangeError(
      `${what}: low and high must be finite with low < high, received low ${low} and high ` +
        `${high}. Pass e.g. low: 0, high: 1.`,
    );
  }
  if (!Number.isFinite(seed)) {
    throw new RangeError(`${what}: seed must be a finite number, received ${seed}. Pass e.g. 0.`);
  }
  const example = shape.slice(1);
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    if (includeZeros) parts.push(tf.zeros([1, ...example]));
    if (count > 0) parts.push(tf.randomUniform([count, ...example], low, high, "float32", seed));
    return parts.length === 1 ? parts[0] : tf.concat(parts);
  });
}
