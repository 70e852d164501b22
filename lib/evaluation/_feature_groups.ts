/**
 * Private: the features the faithfulness metrics remove or insert, and their order. For NHWC
 * images a feature is a square patch of `patchSize × patchSize` pixels with all its channels
 * (`patchSize = 1`: one pixel); for other inputs it is one element.
 *
 * @module
 */
import { metricError } from "../attr/_utils/metric_errors.ts";

/** How one example's elements are grouped into features. */
export interface FeatureGroups {
  /** Number of features. */
  count: number;
  /** Per feature, the element offsets (within one example) it covers. */
  members: Int32Array[];
  /** Elements per example. */
  size: number;
}

/** The features of examples of `shape` (`[N, ...]`). */
export function featureGroups(
  metric: string,
  shape: readonly number[],
  patchSize: number,
): FeatureGroups {
  if (!Number.isInteger(patchSize) || patchSize < 1) {
    throw metricError(
      metric,
      "patchSize",
      "a positive integer (pixels per patch side)",
      patchSize,
      "Pass 1 for single pixels or e.g. 4 for 4 × 4 patches.",
      true,
    );
  }
  const size = shape.slice(1).reduce((p, d) => p * d, 1);
  if (shape.length !== 4) {
    if (patchSize !== 1) {
      throw metricError(
        metric,
        "patchSize",
        "1 for inputs that are not NHWC images [N, H, W, C]",
        patchSize,
        "Pass patchSize: 1, or images of rank 4.",
        true,
      );
    }
    return {
      count: size,
      size,
      members: Array.from({ length: size }, (_, i) => Int32Array.of(i)),
    };
  }
  const [, h, w, c] = shape;
  const rows = Math.ceil(h / patchSize), cols = Math.ceil(w / patchSize);
  const members: Int32Array[] = [];
  for (let pr = 0; pr < rows; pr++) {
    for (let pc = 0; pc < cols; pc++) {
      const list: number[] = [];
      for (let y = pr * patchSize; y < Math.min(h, (pr + 1) * patchSize); y++) {
        for (let x = pc * patchSize; x < Math.min(w, (pc + 1) * patchSize); x++) {
          for (let ch = 0; ch < c; ch++) list.push((y * w + x) * c + ch);
        }
      }
      members.push(Int32Array.from(list));
    }
  }
  return { count: members.length, members, size };
}

/** Each feature's relevance: the sum of its elements' attributions (example at `offset`). */
export function groupRelevance(
  groups: FeatureGroups,
  attributions: ArrayLike<number>,
  offset: number,
): Float64Array {
  const out = new Float64Array(groups.count);
  for (let g = 0; g < groups.count; g++) {
    let s = 0;
    for (const m of groups.members[g]) s += attributions[offset + m];
    out[g] = s;
  }
  return out;
}

/** Which features go first: most relevant first (`"morf"`) or least relevant first (`"lerf"`). */
export type PerturbationOrder = "morf" | "lerf";

/** All values of {@linkcode PerturbationOrder}. */
export const PERTURBATION_ORDERS: readonly PerturbationOrder[] = ["morf", "lerf"];

/** Feature indices by `order` (ties keep index order). */
export function orderFeatures(relevance: Float64Array, order: PerturbationOrder): Int32Array {
  const idx = Array.from({ length: relevance.length }, (_, i) => i);
  idx.sort((a, b) =>
    (order === "morf" ? relevance[b] - relevance[a] : relevance[a] - relevance[b]) || a - b
  );
  return Int32Array.from(idx);
}

/** Check `order` against {@linkcode PERTURBATION_ORDERS}. */
export function assertOrder(metric: string, order: unknown): asserts order is PerturbationOrder {
  if (!PERTURBATION_ORDERS.includes(order as PerturbationOrder)) {
    throw metricError(
      metric,
      "order",
      '"morf" (most relevant first) or "lerf" (least relevant first)',
      order,
      'Pass order: "morf" or order: "lerf".',
      true,
    );
  }
}
