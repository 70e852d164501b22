/**
 * `mapSimilarity`: how alike two attribution maps are, by the four measures of Adebayo et al.
 * (2018), "Sanity Checks for Saliency Maps" (NeurIPS): Spearman rank correlation of absolute and
 * of signed values, SSIM, and the Pearson correlation of the maps' histograms of gradients.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { metricError } from "../attr/_utils/metric_errors.ts";
import { hog } from "./_hog.ts";
import { type HostMaps, normalizeGrey, readMaps } from "./_maps.ts";
import { ssim } from "./_ssim.ts";
import { pearson, spearman } from "./_statistics.ts";

const METRIC = "mapSimilarity";

/** The similarity measures of {@linkcode mapSimilarity}, in the order Adebayo et al. list them. */
export const SIMILARITY_MEASURES = ["spearmanAbs", "spearman", "ssim", "hogPearson"] as const;

/** One of {@linkcode SIMILARITY_MEASURES}. */
export type SimilarityMeasure = typeof SIMILARITY_MEASURES[number];

/** One value per example for each measure (1 = the same map). */
export type MapSimilarity = Record<SimilarityMeasure, Float64Array>;

/** Options of {@linkcode mapSimilarity}. */
export interface MapSimilarityOptions {
  /**
   * Percentile of the absolute map that maps to 1 in the grey normalization before SSIM and HOG
   * (Adebayo et al.'s `VisualizeImageGrayscale`).
   * @default 99
   */
  percentile?: number;
  /** HOG orientation bins over 0–180°. @default 9 */
  hogOrientations?: number;
  /** HOG cell side in pixels. @default 4 (a 28 × 28 map has 7 × 7 cells) */
  hogCellSize?: number;
  /** HOG block side in cells (L2-Hys normalization per block). @default 2 */
  hogBlockSize?: number;
}

/**
 * Per example, how similar the attribution maps `a` and `b` are (both `[N, ...]`, the same shape):
 *
 * - `spearmanAbs`: Spearman rank correlation of the absolute values (summed over channels);
 * - `spearman`: Spearman rank correlation of the signed values (summed over channels);
 * - `ssim`: the structural similarity index (Wang et al., 2004; 7 × 7 uniform window, as
 *   `skimage`'s default) of the two maps after Adebayo et al.'s grey normalization (absolute
 *   values, scaled by the 99th percentile and clipped to [0, 1]);
 * - `hogPearson`: Pearson correlation of the normalized maps' histograms of oriented gradients
 *   (Dalal & Triggs, 2005; as `skimage.feature.hog` with L2-Hys blocks).
 *
 * Maps are images when the tensors are NHWC `[N, H, W, C]` or `[N, H, W]`; for other shapes SSIM
 * and HOG see one row of features. A correlation with a constant map is 0 (two equal constant
 * maps: 1) rather than undefined, so that a map the randomized model zeroes out counts as changed.
 *
 * Reference: J. Adebayo, J. Gilmer, M. Muelly, I. Goodfellow, M. Hardt, B. Kim, "Sanity Checks
 * for Saliency Maps", NeurIPS 2018.
 *
 * @example
 * ```ts
 * import { mapSimilarity, tf } from "../mod.ts";
 * const a = tf.randomUniform([1, 8, 8, 1], 0, 1, "float32", 0);
 * const s = await mapSimilarity(a, a);
 * console.log(s.spearmanAbs[0], s.ssim[0]); // 1 1
 * ```
 *
 * @throws {TypeError} when `a` or `b` is not a tensor or their shapes differ.
 */
export async function mapSimilarity(
  a: tf.Tensor,
  b: tf.Tensor,
  options: MapSimilarityOptions = {},
): Promise<MapSimilarity> {
  for (const [what, t] of [["a", a], ["b", b]] as const) {
    if (!(t instanceof tf.Tensor) || t.rank < 2) {
      throw metricError(
        METRIC,
        what,
        "a batch of attribution maps [N, ...] (a tensor of rank ≥ 2)",
        t,
        "Pass the attributions of a batch, e.g. [N, 28, 28, 1].",
      );
    }
  }
  if (a.shape.join() !== b.shape.join()) {
    throw metricError(
      METRIC,
      "b",
      `a tensor of a's shape [${a.shape.join(", ")}]`,
      b,
      "Compare maps computed for the same inputs.",
    );
  }
  return similarityOfMaps(await readMaps(a), await readMaps(b), options);
}

/** {@linkcode mapSimilarity} of maps already on the host. */
export function similarityOfMaps(
  a: HostMaps,
  b: HostMaps,
  options: MapSimilarityOptions = {},
): MapSimilarity {
  const {
    percentile = 99,
    hogOrientations = 9,
    hogCellSize = 4,
    hogBlockSize = 2,
  } = options;
  const hogOptions = {
    orientations: hogOrientations,
    cellSize: hogCellSize,
    blockSize: hogBlockSize,
  };
  const out: MapSimilarity = {
    spearmanAbs: new Float64Array(a.n),
    spearman: new Float64Array(a.n),
    ssim: new Float64Array(a.n),
    hogPearson: new Float64Array(a.n),
  };
  for (let e = 0; e < a.n; e++) {
    out.spearmanAbs[e] = correlation(spearman, a.abs[e], b.abs[e]);
    out.spearman[e] = correlation(spearman, a.signed[e], b.signed[e]);
    const ga = normalizeGrey(a.abs[e], percentile), gb = normalizeGrey(b.abs[e], percentile);
    out.ssim[e] = ssim(ga, gb, a.height, a.width, 1);
    out.hogPearson[e] = correlation(
      pearson,
      hog(ga, a.height, a.width, hogOptions),
      hog(gb, a.height, a.width, hogOptions),
    );
  }
  return out;
}

/** `f(x, y)`, with a constant side read as 0 (both constant and equal: 1). */
function correlation(
  f: (x: ArrayLike<number>, y: ArrayLike<number>) => number,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): number {
  const r = f(x, y);
  if (!Number.isNaN(r)) return r;
  const cx = isConstant(x), cy = isConstant(y);
  if (cx && cy && (x.length === 0 || x[0] === y[0])) return 1;
  return 0;
}

function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}
