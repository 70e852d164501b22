/**
 * Weighted linear surrogates for Lime and KernelShap, in float64 on the host: least squares with an
 * intercept (minimum-norm when underdetermined, as scikit-learn's `LinearRegression`) and the Lasso
 * by coordinate descent (as scikit-learn's `Lasso` with `sample_weight`).
 *
 * @module
 */

/** A fitted linear model `y ≈ intercept + Σ coef_j · x_j`. */
export interface LinearFit {
  coef: Float64Array;
  intercept: number;
}

/** Weighted means and the rows centred and scaled by √(w_i / Σw). */
function centre(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  rows: number,
  cols: number,
): { xc: Float64Array; yc: Float64Array; xMean: Float64Array; yMean: number } {
  let total = 0;
  for (let i = 0; i < rows; i++) total += w[i];
  const xMean = new Float64Array(cols);
  let yMean = 0;
  for (let i = 0; i < rows; i++) {
    const wi = w[i] / total;
    yMean += wi * y[i];
    for (let j = 0; j < cols; j++) xMean[j] += wi * x[i * cols + j];
  }
  const xc = new Float64Array(rows * cols);
  const yc = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const s = Math.sqrt(w[i] / total);
    yc[i] = s * (y[i] - yMean);
    for (let j = 0; j < cols; j++) xc[i * cols + j] = s * (x[i * cols + j] - xMean[j]);
  }
  return { xc, yc, xMean, yMean };
}

/** Solve the symmetric positive definite `a · z = b` (a: d×d) in place by Cholesky. */
function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= a[j * d + k] * a[j * d + k];
    const l = Math.sqrt(Math.max(diag, 1e-300));
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let v = a[i * d + j];
      for (let k = 0; k < j; k++) v -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = v / l;
    }
  }
  const z = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    let v = z[i];
    for (let k = 0; k < i; k++) v -= a[i * d + k] * z[k];
    z[i] = v / a[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let v = z[i];
    for (let k = i + 1; k < d; k++) v -= a[k * d + i] * z[k];
    z[i] = v / a[i * d + i];
  }
  return z;
}

/**
 * Weighted least squares with an intercept: minimise `Σ w_i (y_i − b − x_i·β)²`. When the
 * centred design is rank deficient (e.g. fewer samples than features) the minimum-norm β is
 * returned, as scikit-learn's `LinearRegression` (lstsq) does. Solved through the smaller of the
 * two Gram matrices (`XᵀX` or `XXᵀ`) with a ridge of 1e-12 × its mean diagonal, which changes the
 * result by a relative ~1e-12 on well-posed problems.
 *
 * @param x rows × cols, row-major. @param y rows. @param w rows, non-negative, not all zero.
 */
export function weightedLeastSquares(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  rows: number,
  cols: number,
): LinearFit {
  const { xc, yc, xMean, yMean } = centre(x, y, w, rows, cols);
  const coef = new Float64Array(cols);
  if (rows <= cols) {
    // Dual: β = Xcᵀ (Xc Xcᵀ + λI)⁻¹ yc.
    const g = new Float64Array(rows * rows);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k <= i; k++) {
        let v = 0;
        for (let j = 0; j < cols; j++) v += xc[i * cols + j] * xc[k * cols + j];
        g[i * rows + k] = v;
        g[k * rows + i] = v;
      }
    }
    addRidge(g, rows);
    const alpha = choleskySolve(g, yc, rows);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) coef[j] += xc[i * cols + j] * alpha[i];
    }
  } else {
    // Primal: β = (Xcᵀ Xc + λI)⁻¹ Xcᵀ yc.
    const g = new Float64Array(cols * cols);
    const rhs = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const r = i * cols;
      for (let j = 0; j < cols; j++) {
        const v = xc[r + j];
        if (v === 0) continue;
        rhs[j] += v * yc[i];
        for (let k = 0; k <= j; k++) g[j * cols + k] += v * xc[r + k];
      }
    }
    for (let j = 0; j < cols; j++) for (let k = 0; k < j; k++) g[k * cols + j] = g[j * cols + k];
    addRidge(g, cols);
    coef.set(choleskySolve(g, rhs, cols));
  }
  let intercept = yMean;
  for (let j = 0; j < cols; j++) intercept -= xMean[j] * coef[j];
  return { coef, intercept };
}

function addRidge(g: Float64Array, d: number): void {
  let trace = 0;
  for (let i = 0; i < d; i++) trace += g[i * d + i];
  const ridge = Math.max(1e-12 * (trace / d), 1e-300);
  for (let i = 0; i < d; i++) g[i * d + i] += ridge;
}

/** Options of {@linkcode weightedLasso}. */
export interface LassoOptions {
  /** The L1 penalty. @default 0.01 */
  alpha?: number;
  /** Most sweeps over the coefficients. @default 1000 */
  maxIter?: number;
  /** Stop when no coefficient moves by more than tol × the largest coefficient. @default 1e-6 */
  tol?: number;
}

/**
 * The Lasso with an intercept and sample weights, as scikit-learn's `Lasso(alpha)` fitted with
 * `sample_weight` (weights rescaled to sum to the number of rows): minimise
 * `Σ w_i (y_i − b − x_i·β)² / (2 Σw) + alpha · ‖β‖₁`, by cyclic coordinate descent.
 */
export function weightedLasso(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  rows: number,
  cols: number,
  { alpha = 0.01, maxIter = 1000, tol = 1e-6 }: LassoOptions = {},
): LinearFit {
  const { xc, yc, xMean, yMean } = centre(x, y, w, rows, cols);
  const norms = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) norms[j] += xc[i * cols + j] ** 2;
  }
  const coef = new Float64Array(cols);
  const residual = Float64Array.from(yc);
  for (let iter = 0; iter < maxIter; iter++) {
    let maxStep = 0;
    let maxCoef = 0;
    for (let j = 0; j < cols; j++) {
      if (norms[j] === 0) continue;
      const old = coef[j];
      let rho = 0;
      for (let i = 0; i < rows; i++) rho += xc[i * cols + j] * residual[i];
      rho += norms[j] * old;
      const next = Math.sign(rho) * Math.max(Math.abs(rho) - alpha, 0) / norms[j];
      if (next !== old) {
        const delta = next - old;
        for (let i = 0; i < rows; i++) residual[i] -= xc[i * cols + j] * delta;
        coef[j] = next;
        maxStep = Math.max(maxStep, Math.abs(delta));
      }
      maxCoef = Math.max(maxCoef, Math.abs(next));
    }
    if (maxStep <= tol * maxCoef || maxStep === 0) break;
  }
  let intercept = yMean;
  for (let j = 0; j < cols; j++) intercept -= xMean[j] * coef[j];
  return { coef, intercept };
}
