/**
 * Private: the line colours of figures with one line per method (Plotly's default sequence).
 *
 * @module
 */

const COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** The colour of the `i`-th line. */
export function lineColor(i: number): string {
  return COLORS[i % COLORS.length];
}

/** Mean over examples of per-example series of equal length. */
export function meanSeries(series: readonly ArrayLike<number>[]): number[] {
  const length = series[0]?.length ?? 0;
  const out = new Array<number>(length).fill(0);
  for (const s of series) for (let k = 0; k < length; k++) out[k] += s[k] / series.length;
  return out;
}
