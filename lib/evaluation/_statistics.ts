/**
 * Private: the statistics the evaluation metrics share (ranks with ties, Pearson and Spearman
 * correlation, mean and standard deviation, the trapezoidal area under a curve), in float64.
 *
 * @module
 */

/** Ranks 1…n of `values`, ties given the mean of the ranks they span (as `scipy.stats.rankdata`). */
export function rankData(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

/**
 * Pearson correlation of `a` and `b` (same length). `NaN` when either is constant (the
 * correlation is undefined there, as in `scipy.stats.pearsonr`).
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return NaN;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}

/** Spearman rank correlation: Pearson correlation of the ranks (ties averaged). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(rankData(a), rankData(b));
}

/** Mean of the finite values (NaN when there are none). */
export function mean(values: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      s += values[i];
      n++;
    }
  }
  return n === 0 ? NaN : s / n;
}

/** Population standard deviation of the finite values (NaN when there are none). */
export function std(values: ArrayLike<number>): number {
  const m = mean(values);
  let s = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      s += (values[i] - m) ** 2;
      n++;
    }
  }
  return n === 0 ? NaN : Math.sqrt(s / n);
}

/** Area under the polyline through `(x[i], y[i])`, by the trapezoidal rule. */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
  return area;
}
