/**
 * Printing shared by the benches' summary tables.
 *
 * @module
 */

/**
 * `ours / captum` as `"1.23x"`, or `""` where Captum did not measure the call.
 */
export function ratio(ours: number, captum: number | undefined): string {
  return captum === undefined ? "" : (ours / captum).toFixed(2) + "x";
}

/**
 * Prints `header` and `rows` as a table: the first column left-aligned, the others right-aligned,
 * each as wide as its widest cell, under a line of dashes.
 */
export function printTable(header: readonly string[], rows: readonly string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) =>
    r.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join("  ");
  console.log(`\n${line(header)}\n${widths.map((n) => "-".repeat(n)).join("  ")}`);
  for (const r of rows) console.log(line(r));
}
