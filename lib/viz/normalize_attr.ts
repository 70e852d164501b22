/**
 * Captum's attribution normalization for image visualizations: channel sum, sign selection,
 * cumulative-mass outlier threshold, scaling and clipping.
 *
 * @module
 */

/** Which attributions a visualization shows (Captum's `VisualizeSign`). */
export type VisualizeSign = "all" | "positive" | "negative" | "absolute_value";

/** The accepted {@linkcode VisualizeSign} values. */
export const VISUALIZE_SIGNS: readonly VisualizeSign[] = [
  "all",
  "positive",
  "negative",
  "absolute_value",
];

/** Options of {@linkcode normalizeAttr}. */
export interface NormalizeAttrOptions {
  /**
   * Which attributions to keep: `"all"` keeps signed values (thresholded on |a|), `"positive"`
   * keeps a > 0, `"negative"` keeps a < 0 as positive magnitudes, `"absolute_value"` uses |a|.
   * @default "absolute_value"
   */
  sign?: VisualizeSign;
  /**
   * Percentage (0..100) of the total attribution mass treated as outliers: values above the
   * threshold saturate at 1.
   * @default 2
   */
  outlierPerc?: number;
}

/** The result of {@linkcode normalizeAttr}. */
export interface NormalizedAttr {
  /** Normalized map, `height * width` values row-major, in [−1, 1] for "all", else [0, 1]. */
  values: Float64Array;
  height: number;
  width: number;
  /**
   * The scale factor the channel-summed map was divided by (negative for sign "negative",
   * as in Captum). 0 when no attribution of the chosen sign is non-zero; `values` is then all
   * zero (Captum raises an error there).
   */
  threshold: number;
  /**
   * The channel-summed map after sign selection, in attribution units, before scaling and
   * clipping: signed for "all", `max(a, 0)` for "positive", `max(-a, 0)` (magnitudes) for
   * "negative", `|a|` for "absolute_value". What an unnormalized visualization shows.
   */
  combined: Float64Array;
}

/**
 * The first value of `values` (sorted ascending) where the cumulative sum reaches `percentile`
 * percent of the total: Captum's `_cumulative_sum_threshold`. `values` should be non-negative.
 *
 * @example
 * ```ts
 * import { cumulativeSumThreshold } from "../mod.ts";
 * cumulativeSumThreshold([1, 2, 3, 4], 98); // 4: the sum reaches 98% of 10 only at 4
 * ```
 *
 * @throws {RangeError} if `percentile` is not within 0..100 or `values` is empty.
 */
export function cumulativeSumThreshold(values: ArrayLike<number>, percentile: number): number {
  if (!(percentile >= 0 && percentile <= 100)) {
    throw new RangeError(
      `Cannot compute the cumulative-sum threshold: percentile must be within 0..100, ` +
        `received ${percentile}. Pass outlierPerc within 0..100.`,
    );
  }
  if (values.length === 0) {
    throw new RangeError(
      "Cannot compute the cumulative-sum threshold: values is empty. Pass at least one value.",
    );
  }
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const v of sorted) total += v;
  const target = total * 0.01 * percentile;
  let cum = 0;
  for (let i = 0; i < sorted.length; i++) {
    cum += sorted[i];
    if (cum >= target) return sorted[i];
  }
  return sorted[sorted.length - 1];
}

/**
 * Normalize an attribution map of shape `[height, width, channels]` (flat, row-major) for
 * display, exactly as Captum's `visualize_image_attr` does: sum over channels, select the sign,
 * divide by the cumulative-mass threshold and clip to [−1, 1]. Unlike Captum, an all-zero map
 * (threshold 0) returns zeros instead of failing.
 *
 * @example
 * ```ts
 * import { normalizeAttr } from "../mod.ts";
 * const n = normalizeAttr(new Float64Array([1, -2, 3, -4]), [2, 2, 1], { sign: "all" });
 * console.log(Array.from(n.values)); // [0.25, -0.5, 0.75, -1]
 * ```
 *
 * @param attr attribution values, row-major `[height, width, channels]`.
 * @param shape `[height, width, channels]` (or `[height, width]`).
 * @throws {RangeError} for an unknown sign or an outlierPerc outside 0..100.
 * @throws {TypeError} if `attr.length` does not match `shape`.
 */
export function normalizeAttr(
  attr: ArrayLike<number>,
  shape: readonly number[],
  options: NormalizeAttrOptions = {},
): NormalizedAttr {
  const { sign = "absolute_value", outlierPerc = 2 } = options;
  const context = "Cannot normalize attributions";
  if (!VISUALIZE_SIGNS.includes(sign)) {
    throw new RangeError(
      `${context}: sign must be one of ${VISUALIZE_SIGNS.map((s) => `"${s}"`).join(", ")}, ` +
        `received ${JSON.stringify(sign)}.`,
    );
  }
  if (typeof outlierPerc !== "number" || !(outlierPerc >= 0 && outlierPerc <= 100)) {
    throw new RangeError(
      `${context}: outlierPerc must be a number within 0..100, received ${outlierPerc}. ` +
        `Pass e.g. outlierPerc: 2.`,
    );
  }
  if (shape.length !== 2 && shape.length !== 3) {
    throw new TypeError(
      `${context}: shape must be [height, width] or [height, width, channels], ` +
        `received [${shape}].`,
    );
  }
  const [height, width] = shape;
  const channels = shape.length === 3 ? shape[2] : 1;
  if (attr.length !== height * width * channels) {
    throw new TypeError(
      `${context}: attr has ${attr.length} values but shape [${shape}] needs ` +
        `${height * width * channels}. Pass matching attr and shape.`,
    );
  }
  const combined = new Float64Array(height * width);
  for (let p = 0; p < combined.length; p++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += attr[p * channels + c];
    combined[p] = s;
  }
  const percentile = 100 - outlierPerc;
  const abs = combined.map(Math.abs);
  let threshold: number;
  switch (sign) {
    case "all":
      threshold = cumulativeSumThreshold(abs, percentile);
      break;
    case "positive":
      for (let p = 0; p < combined.length; p++) if (!(combined[p] > 0)) combined[p] = 0;
      threshold = cumulativeSumThreshold(combined, percentile);
      break;
    case "negative":
      for (let p = 0; p < combined.length; p++) if (!(combined[p] < 0)) combined[p] = 0;
      threshold = -cumulativeSumThreshold(combined.map(Math.abs), percentile);
      break;
    case "absolute_value":
      combined.set(abs);
      threshold = cumulativeSumThreshold(combined, percentile);
      break;
  }
  const values = new Float64Array(combined.length);
  if (threshold !== 0) {
    for (let p = 0; p < values.length; p++) {
      values[p] = Math.min(1, Math.max(-1, combined[p] / threshold)) + 0; // + 0: no -0
    }
  }
  if (sign === "negative") {
    for (let p = 0; p < combined.length; p++) combined[p] = -combined[p] + 0;
  }
  return { values, height, width, threshold: threshold === 0 ? 0 : threshold, combined };
}
