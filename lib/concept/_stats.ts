/**
 * Private: the two-sample t-test of TCAV's significance test, as SciPy's `ttest_ind` (Student's
 * equal-variance test by default, Welch's on request), with the t distribution's tail from the
 * regularized incomplete beta function.
 *
 * @module
 */

/** Lanczos coefficients (g = 7, n = 9): ln Γ to about 1e-15 relative for x > 0. */
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * The continued fraction of I_x(a, b) (modified Lentz), which converges fast for
 * x < (a + 1) / (a + b + 2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/**
 * The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. `oneMinusX`
 * (1 − x, passed when the caller knows it more precisely than `1 - x`) avoids cancellation.
 */
export function regularizedIncompleteBeta(
  x: number,
  a: number,
  b: number,
  oneMinusX = 1 - x,
): number {
  if (Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (x <= 0) return 0;
  if (oneMinusX <= 0) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) +
    b * Math.log(oneMinusX);
  if (x < (a + 1) / (a + b + 2)) {
    return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  }
  return 1 - (Math.exp(logFront) * betaContinuedFraction(oneMinusX, b, a)) / b;
}

/**
 * P(|T| ≥ |t|) for Student's t distribution with `df` degrees of freedom: I_{df/(df+t²)}(df/2, ½).
 * 0 for an infinite `t`, NaN for a NaN `t` or `df`.
 */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  return regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** The result of {@linkcode ttestInd}. */
export interface TTestResult {
  /** The t statistic, (mean(a) − mean(b)) / standard error. */
  statistic: number;
  /** The two-sided p-value. */
  pvalue: number;
  /** The degrees of freedom (n₁ + n₂ − 2, or Welch–Satterthwaite's). */
  df: number;
}

/** The mean and the unbiased variance (ddof = 1) of `x`. */
export function meanAndVariance(x: readonly number[]): { mean: number; variance: number } {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  return { mean, variance: n > 1 ? ss / (n - 1) : NaN };
}

/**
 * The two-sided two-sample t-test of SciPy's `ttest_ind(a, b, equal_var)`: Student's test with the
 * pooled variance (`equalVar`, SciPy's default) or Welch's test. As SciPy, a zero standard error
 * gives t = ±∞ (p = 0) when the means differ and NaN when they are equal. The caller checks that
 * each sample holds at least two finite values.
 */
export function ttestInd(
  a: readonly number[],
  b: readonly number[],
  equalVar = true,
): TTestResult {
  const n1 = a.length;
  const n2 = b.length;
  const { mean: m1, variance: v1 } = meanAndVariance(a);
  const { mean: m2, variance: v2 } = meanAndVariance(b);
  let df: number;
  let se: number;
  if (equalVar) {
    df = n1 + n2 - 2;
    const pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
    se = Math.sqrt(pooled * (1 / n1 + 1 / n2));
  } else {
    const s1 = v1 / n1;
    const s2 = v2 / n2;
    se = Math.sqrt(s1 + s2);
    df = ((s1 + s2) * (s1 + s2)) / ((s1 * s1) / (n1 - 1) + (s2 * s2) / (n2 - 1));
    // Both variances zero: 0/0, which SciPy replaces by 1 (t is then ±∞ or NaN anyway).
    if (Number.isNaN(df)) df = 1;
  }
  const statistic = (m1 - m2) / se;
  return { statistic, pvalue: studentTTwoSidedP(statistic, df), df };
}
