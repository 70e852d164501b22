/**
 * TCAV's statistical significance test (Kim et al., 2018, §3.4): are a concept's TCAV scores,
 * over CAVs trained against several random concepts, different from a random concept's?
 *
 * @module
 */
import type { Concept } from "./concept.ts";
import { conceptsToStr } from "./concept.ts";
import type { TCAVScores } from "./tcav.ts";
import { conceptError } from "./_errors.ts";
import { meanAndVariance, ttestInd } from "./_stats.ts";

/**
 * The experimental sets of the test: the concept against each random concept but the first, and
 * the first random concept (the counterpart) against the same others.
 */
export interface SignificanceSets {
  /** `[concept, randomᵢ]` for i ≥ 1. */
  conceptSets: Concept[][];
  /** `[random₀, randomᵢ]` for i ≥ 1. */
  randomSets: Concept[][];
}

/** Which score of {@linkcode TCAVLayerScores} is tested. */
export type TCAVScoreType = "signCount" | "magnitude";

/** All values of {@linkcode TCAVScoreType}. */
export const TCAV_SCORE_TYPES: readonly TCAVScoreType[] = ["signCount", "magnitude"];

/** Options of {@linkcode tcavSignificance}. */
export interface TCAVSignificanceOptions {
  /** The score tested. @default "signCount" */
  scoreType?: TCAVScoreType;
  /** The significance level: the result is significant when p < alpha. @default 0.05 */
  alpha?: number;
  /**
   * Student's t-test with pooled variance (SciPy's `ttest_ind` default, as Captum's tutorial);
   * false for Welch's.
   * @default true
   */
  equalVar?: boolean;
  /** The layers tested. @default every layer scored for the first concept set */
  layers?: string[];
}

/** The test's result at one layer. */
export interface TCAVSignificance {
  /** The concept's name. */
  concept: string;
  /** The layer's name. */
  layer: string;
  scoreType: TCAVScoreType;
  /** The concept's score in each concept set. */
  conceptScores: number[];
  /** The random counterpart's score in each random set. */
  randomScores: number[];
  /** Mean and standard deviation (ddof = 1) of `conceptScores`. */
  conceptMean: number;
  conceptStd: number;
  /** Mean and standard deviation (ddof = 1) of `randomScores`. */
  randomMean: number;
  randomStd: number;
  /** The two-sample t statistic (concept minus random). */
  tStatistic: number;
  /** The two-sided p-value (NaN when both samples are constant and equal, as SciPy's). */
  pValue: number;
  alpha: number;
  /** Whether `pValue < alpha`: the concept's scores differ from random ones. */
  significant: boolean;
}

/**
 * The sets of the significance test for `concept` and `randomConcepts` (at least three: the
 * first is the counterpart, the others give two or more samples per side), as the reference TCAV
 * implementation's `random_counterpart`. Score `[...conceptSets, ...randomSets]` with
 * {@linkcode TCAV.interpret}, then test with {@linkcode tcavSignificance}.
 *
 * @example
 * ```ts
 * import { Concept, significanceSets } from "../mod.ts";
 * const striped = new Concept(0, "striped", null);
 * const randoms = [1, 2, 3].map((id) => new Concept(id, `random_${id}`, null));
 * const { conceptSets, randomSets } = significanceSets(striped, randoms);
 * console.log(conceptSets.map((s) => s.map((c) => c.id)), randomSets.map((s) => s.map((c) => c.id)));
 * // [[0, 2], [0, 3]] [[1, 2], [1, 3]]
 * ```
 *
 * @throws {RangeError} for fewer than three random concepts.
 */
export function significanceSets(
  concept: Concept,
  randomConcepts: readonly Concept[],
): SignificanceSets {
  if (!Array.isArray(randomConcepts) || randomConcepts.length < 3) {
    throw conceptError(
      RangeError,
      "build the significance sets",
      "randomConcepts",
      "at least three random concepts (a counterpart and two or more others)",
      Array.isArray(randomConcepts) ? randomConcepts.map((c) => `${c}`) : randomConcepts,
      "Make more random concepts, e.g. random image sets drawn with different seeds.",
    );
  }
  const [counterpart, ...others] = randomConcepts;
  return {
    conceptSets: others.map((r) => [concept, r]),
    randomSets: others.map((r) => [counterpart, r]),
  };
}

/**
 * Test, at each layer, whether the first concept of `sets.conceptSets` scores differently from
 * the first concept of `sets.randomSets` over the sets' CAVs: the two-sided two-sample t-test of
 * SciPy's `ttest_ind` (Student's by default) on the chosen score. Kim et al. keep a concept only
 * when the test rejects (p < alpha).
 *
 * @example
 * ```ts
 * import { Concept, tcavSignificance } from "../mod.ts";
 * const [c, r0, r1, r2] = ["striped", "r0", "r1", "r2"].map((n, i) => new Concept(i, n, null));
 * const scores = {
 *   "0-2": { conv2: { signCount: [0.875, 0.125], magnitude: [1, -1] } },
 *   "0-3": { conv2: { signCount: [0.8125, 0.1875], magnitude: [1, -1] } },
 *   "1-2": { conv2: { signCount: [0.5, 0.5], magnitude: [0, 0] } },
 *   "1-3": { conv2: { signCount: [0.4375, 0.5625], magnitude: [0, 0] } },
 * };
 * const sets = { conceptSets: [[c, r1], [c, r2]], randomSets: [[r0, r1], [r0, r2]] };
 * const [result] = tcavSignificance(scores, sets);
 * console.log(result.conceptMean, result.randomMean, result.pValue < 0.05); // 0.84375 0.46875 true (p ≈ 0.014)
 * ```
 *
 * @throws {TypeError} for sets with fewer than two experimental sets per side, conceptSets (or
 *   randomSets) that do not share their first concept, or sets or layers missing from `scores`.
 * @throws {RangeError} for an unknown `scoreType` or an `alpha` outside (0, 1).
 */
export function tcavSignificance(
  scores: TCAVScores,
  sets: SignificanceSets,
  options: TCAVSignificanceOptions = {},
): TCAVSignificance[] {
  const action = "compute the TCAV significance";
  const { scoreType = "signCount", alpha = 0.05, equalVar = true } = options;
  if (!TCAV_SCORE_TYPES.includes(scoreType)) {
    throw conceptError(
      RangeError,
      action,
      "scoreType",
      `one of ${TCAV_SCORE_TYPES.map((t) => `"${t}"`).join(", ")}`,
      scoreType,
      'Pass "signCount" or "magnitude".',
    );
  }
  if (typeof alpha !== "number" || !(alpha > 0 && alpha < 1)) {
    throw conceptError(RangeError, action, "alpha", "a number in (0, 1)", alpha, "Pass e.g. 0.05.");
  }
  for (const side of ["conceptSets", "randomSets"] as const) {
    const list = sets?.[side];
    const ok = Array.isArray(list) && list.length >= 2 &&
      list.every((s) => Array.isArray(s) && s.length >= 2 && s[0]?.id === list[0][0]?.id);
    if (!ok) {
      throw conceptError(
        TypeError,
        action,
        `sets.${side}`,
        "two or more experimental sets that share their first concept",
        Array.isArray(list) ? list.map((s) => Array.isArray(s) ? conceptsToStr(s) : s) : list,
        "Build the sets with significanceSets(concept, randomConcepts).",
      );
    }
  }
  const lookup = (set: Concept[]) => {
    const key = conceptsToStr(set);
    const byLayer = scores?.[key];
    if (!byLayer) {
      throw conceptError(
        TypeError,
        action,
        `scores["${key}"]`,
        "the scores of every experimental set",
        undefined,
        "Score [...sets.conceptSets, ...sets.randomSets] with TCAV.interpret.",
      );
    }
    return byLayer;
  };
  const layers = options.layers ?? Object.keys(lookup(sets.conceptSets[0]));
  const read = (set: Concept[], layer: string) => {
    const value = lookup(set)[layer]?.[scoreType]?.[0];
    if (typeof value !== "number") {
      throw conceptError(
        TypeError,
        action,
        `scores["${conceptsToStr(set)}"]["${layer}"]`,
        "the layer's scores",
        undefined,
        "Score the sets at every layer tested (TCAV's layers), or pass options.layers.",
      );
    }
    return value;
  };
  return layers.map((layer) => {
    const conceptScores = sets.conceptSets.map((s) => read(s, layer));
    const randomScores = sets.randomSets.map((s) => read(s, layer));
    const c = meanAndVariance(conceptScores);
    const r = meanAndVariance(randomScores);
    const { statistic, pvalue } = ttestInd(conceptScores, randomScores, equalVar);
    return {
      concept: sets.conceptSets[0][0].name,
      layer,
      scoreType,
      conceptScores,
      randomScores,
      conceptMean: c.mean,
      conceptStd: Math.sqrt(c.variance),
      randomMean: r.mean,
      randomStd: Math.sqrt(r.variance),
      tStatistic: statistic,
      pValue: pvalue,
      alpha,
      significant: pvalue < alpha,
    };
  });
}
