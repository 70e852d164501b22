import assert from "node:assert/strict";
import {
  logGamma,
  regularizedIncompleteBeta,
  studentTTwoSidedP,
  ttestInd,
} from "../../lib/concept/_stats.ts";
import { FIXTURE, storedNumber } from "./_fixture.ts";

/** |a − e| ≤ rtol·|e| (both NaN, or equal infinities, pass). */
function assertClose(actual: number, expected: number, rtol: number, message: string): void {
  if (Number.isNaN(expected)) return assert.ok(Number.isNaN(actual), `${message}: ${actual}`);
  if (!Number.isFinite(expected)) return assert.equal(actual, expected, message);
  assert.ok(
    Math.abs(actual - expected) <= rtol * Math.abs(expected) + 1e-300,
    `${message}: ${actual} vs ${expected}`,
  );
}

Deno.test("`ttestInd()` matches SciPy's `ttest_ind`, Student's and Welch's, infinite and NaN cases included", () => {
  for (const { a, b, student, welch } of FIXTURE.ttest) {
    const s = ttestInd(a, b);
    assertClose(s.statistic, storedNumber(student[0]), 1e-12, `Student t for ${a} | ${b}`);
    assertClose(s.pvalue, storedNumber(student[1]), 1e-10, `Student p for ${a} | ${b}`);
    const w = ttestInd(a, b, false);
    assertClose(w.statistic, storedNumber(welch[0]), 1e-12, `Welch t for ${a} | ${b}`);
    assertClose(w.pvalue, storedNumber(welch[1]), 1e-10, `Welch p for ${a} | ${b}`);
  }
});

Deno.test("the t distribution's tail has its closed forms: Cauchy (df 1) and df 2", () => {
  for (const t of [0, 0.3, 1, 2.5, 12, 1e4]) {
    // df = 1: P(|T| ≥ t) = 1 − (2/π) atan t; df = 2: 1 − t / √(2 + t²) = 2 / (r (r + t)).
    assertClose(studentTTwoSidedP(t, 1), 1 - (2 / Math.PI) * Math.atan(t), 1e-12, `df 1, t ${t}`);
    const r = Math.sqrt(2 + t * t);
    assertClose(studentTTwoSidedP(-t, 2), 2 / (r * (r + t)), 1e-12, `df 2, t ${t}`);
  }
  assert.equal(studentTTwoSidedP(Infinity, 3), 0);
  assert.ok(Number.isNaN(studentTTwoSidedP(NaN, 3)));
});

Deno.test("`regularizedIncompleteBeta()` and `logGamma()` have their closed forms", () => {
  for (const x of [0, 0.1, 0.5, 0.93, 1]) {
    assertClose(regularizedIncompleteBeta(x, 1, 1), x, 1e-13, `I_x(1, 1) at ${x}`);
    assertClose(regularizedIncompleteBeta(x, 3, 1), x ** 3, 1e-13, `I_x(3, 1) at ${x}`);
    assertClose(regularizedIncompleteBeta(x, 1, 2), 1 - (1 - x) ** 2, 1e-13, `I_x(1, 2) at ${x}`);
  }
  assertClose(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, "ln Γ(½)");
  assertClose(logGamma(10), Math.log(362880), 1e-14, "ln Γ(10)");
  assertClose(logGamma(0.1), 2.252712651734206, 1e-13, "ln Γ(0.1)");
});
