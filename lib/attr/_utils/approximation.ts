/**
 * Step positions (alphas) and weights for approximating a path integral over [0, 1], as Captum's
 * `approximation_parameters`.
 *
 * @module
 */
import type { ApproximationMethod } from "../types.ts";
import { APPROXIMATION_METHODS } from "../types.ts";
import { assertInteger, assertOneOf, attributionRangeError } from "./errors.ts";

/** Points in [0, 1] and the weight of each, for an n-step approximation of ∫₀¹ f(α) dα. */
export interface ApproximationParameters {
  alphas: number[];
  weights: number[];
}

/**
 * The n-point Gauss–Legendre rule on [−1, 1]: nodes in ascending order and their weights
 * (Newton's iteration on the Legendre polynomial, as numpy's `leggauss`).
 */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      const [pn, pnm1] = legendre(n, x);
      dp = n * (x * pn - pnm1) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    // Recompute the derivative at the converged root for the weight.
    const [pn, pnm1] = legendre(n, x);
    dp = n === 1 ? 1 : n * (x * pn - pnm1) / (x * x - 1);
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights };
}

function linspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  return Array.from({ length: n }, (_, i) => start + (stop - start) * i / (n - 1));
}

/**
 * Alphas and weights for `method` with `nSteps` points.
 *
 * @throws {RangeError} naming `caller` for an unknown method or a step count that does not fit.
 */
export function approximationParameters(
  caller: string,
  method: ApproximationMethod,
  nSteps: number,
): ApproximationParameters {
  assertOneOf(caller, "method", method, APPROXIMATION_METHODS);
  assertInteger(caller, "nSteps", nSteps);
  const n = nSteps;
  switch (method) {
    case "gausslegendre": {
      const { nodes, weights } = gaussLegendre(n);
      return { alphas: nodes.map((x) => (1 + x) / 2), weights: weights.map((w) => w / 2) };
    }
    case "riemann_left":
      return { alphas: linspace(0, 1 - 1 / n, n), weights: new Array(n).fill(1 / n) };
    case "riemann_right":
      return { alphas: linspace(1 / n, 1, n), weights: new Array(n).fill(1 / n) };
    case "riemann_middle":
      return {
        alphas: linspace(1 / (2 * n), 1 - 1 / (2 * n), n),
        weights: new Array(n).fill(1 / n),
      };
    case "riemann_trapezoid": {
      if (n < 2) {
        throw attributionRangeError(
          caller,
          "nSteps",
          'at least 2 with method "riemann_trapezoid"',
          n,
          "Pass nSteps >= 2.",
        );
      }
      const weights = new Array(n).fill(1 / n);
      weights[0] = weights[n - 1] = 1 / (2 * n);
      return { alphas: linspace(0, 1, n), weights };
    }
  }
}

/** `[P_n(x), P_{n−1}(x)]`, the Legendre polynomials by Bonnet's recurrence (`[x, 1]` for n = 1). */
function legendre(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return [p1, p0];
}
