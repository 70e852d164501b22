/**
 * Private: attribution maps read to the host as one grey map per example, and the normalization
 * Adebayo et al. (2018) apply before comparing maps (the `saliency` library's
 * `VisualizeImageGrayscale`: absolute values summed over channels, scaled from the minimum to the
 * 99th percentile and clipped to [0, 1]).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** One grey map per example. */
export interface HostMaps {
  /** Number of examples. */
  n: number;
  /** Map height (1 for inputs that are not images). */
  height: number;
  /** Map width (the number of features for inputs that are not images). */
  width: number;
  /** Per example: Σ over channels of the attributions, `height × width`, row-major. */
  signed: Float64Array[];
  /** Per example: Σ over channels of |attributions|. */
  abs: Float64Array[];
}

/**
 * The spatial size of one example of `shape`: NHWC `[N, H, W, C]` and `[N, H, W]` are images;
 * any other shape is one row of features.
 */
export function mapGeometry(shape: readonly number[]): [height: number, width: number, c: number] {
  if (shape.length === 4) return [shape[1], shape[2], shape[3]];
  if (shape.length === 3) return [shape[1], shape[2], 1];
  const size = shape.slice(1).reduce((p, d) => p * d, 1);
  return [1, size, 1];
}

/** Read `attributions` (`[N, ...]`) as grey maps. */
export async function readMaps(attributions: tf.Tensor): Promise<HostMaps> {
  const values = await attributions.data();
  return hostMaps(values, attributions.shape);
}

/** Grey maps of host values of `shape`. */
export function hostMaps(values: ArrayLike<number>, shape: readonly number[]): HostMaps {
  const n = shape[0];
  const [height, width, channels] = mapGeometry(shape);
  const size = height * width;
  const signed: Float64Array[] = [];
  const abs: Float64Array[] = [];
  for (let e = 0; e < n; e++) {
    const s = new Float64Array(size), a = new Float64Array(size);
    const base = e * size * channels;
    for (let p = 0; p < size; p++) {
      for (let c = 0; c < channels; c++) {
        const v = values[base + p * channels + c];
        s[p] += v;
        a[p] += Math.abs(v);
      }
    }
    signed.push(s);
    abs.push(a);
  }
  return { n, height, width, signed, abs };
}

/** The `q`-th percentile of `values`, interpolating linearly between order statistics (NumPy). */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Adebayo et al.'s grey normalization of an absolute map: `(x − min) / (p99 − min)` clipped to
 * [0, 1] (all zeros for a constant map).
 */
export function normalizeGrey(abs: Float64Array, percentileValue = 99): Float64Array {
  let min = Infinity;
  for (const v of abs) if (v < min) min = v;
  const vmax = percentile(abs, percentileValue);
  const out = new Float64Array(abs.length);
  if (!(vmax > min)) return out;
  for (let i = 0; i < abs.length; i++) {
    out[i] = Math.min(1, Math.max(0, (abs[i] - min) / (vmax - min)));
  }
  return out;
}
