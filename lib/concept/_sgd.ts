/**
 * Private: scikit-learn's plain SGD for one binary linear classifier (`_plain_sgd` of
 * `SGDClassifier`, version 1.2) with the settings Captum's `DefaultClassifier` uses: hinge loss,
 * L2 penalty, the "optimal" learning rate 1 / (α (t₀ + t)), an intercept, no averaging, no early
 * stopping, and the stopping rule on the epoch's summed training loss (`tol`, `nIterNoChange`).
 * Arithmetic in float64 with sklearn's scaled weight vector, so that a run without shuffling
 * matches sklearn's to rounding.
 *
 * @module
 */
import { SeededRandom } from "../attr/_utils/seeded_random.ts";

/** Hyper-parameters of {@linkcode plainSgd}, named as sklearn's. */
export interface SgdParameters {
  /** L2 regularization strength. */
  alpha: number;
  /** The most epochs. */
  maxIter: number;
  /** Stop when the epoch loss has not improved by `tol · n` for `nIterNoChange` epochs. */
  tol: number;
  nIterNoChange: number;
  /** Shuffle the examples before each epoch (seeded); false visits them in order. */
  shuffle: boolean;
}

/** What {@linkcode plainSgd} learned. */
export interface SgdFit {
  /** The weights, one per feature. */
  coef: Float64Array;
  intercept: number;
  /** Epochs run. */
  nIter: number;
  /** Whether the stopping rule was met before `maxIter` epochs. */
  converged: boolean;
}

/** Gradients larger than this are clipped (sklearn's MAX_DLOSS). */
const MAX_DLOSS = 1e12;

/**
 * Train w, b minimising Σᵢ max(0, 1 − yᵢ (w·xᵢ + b)) + (α/2)·n·‖w‖² by SGD, as sklearn.
 *
 * @param x `n × numFeatures` examples, row-major.
 * @param y one label per example, +1 or −1.
 * @param random the shuffling's generator (unused without `shuffle`).
 */
export function plainSgd(
  x: Float64Array,
  numFeatures: number,
  y: Float64Array,
  params: SgdParameters,
  random: SeededRandom,
): SgdFit {
  const n = y.length;
  const { alpha, maxIter, tol, nIterNoChange, shuffle } = params;
  const w = new Float64Array(numFeatures);
  let wscale = 1;
  let intercept = 0;
  // The "optimal" schedule starts at eta0 = typw / max(1, -dloss(-typw, 1)) = typw for the hinge.
  const typw = Math.sqrt(1 / Math.sqrt(alpha));
  const optimalInit = 1 / (typw * alpha);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let t = 1;
  let bestLoss = Infinity;
  let noImprovement = 0;
  let epoch = 0;
  let converged = false;
  for (; epoch < maxIter; epoch++) {
    let sumLoss = 0;
    if (shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = random.int(i + 1);
        const tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
    }
    for (let k = 0; k < n; k++) {
      const row = order[k];
      const offset = row * numFeatures;
      let dot = 0;
      for (let f = 0; f < numFeatures; f++) dot += w[f] * x[offset + f];
      const p = dot * wscale + intercept;
      const eta = 1 / (alpha * (optimalInit + t - 1));
      const z = p * y[row];
      sumLoss += z < 1 ? 1 - z : 0;
      let dloss = z <= 1 ? -y[row] : 0;
      if (dloss < -MAX_DLOSS) dloss = -MAX_DLOSS;
      else if (dloss > MAX_DLOSS) dloss = MAX_DLOSS;
      const update = -eta * dloss;
      // L2: w ← max(0, 1 − η α) w, kept as a scale factor (reset when it gets tiny).
      wscale *= Math.max(0, 1 - eta * alpha);
      if (wscale < 1e-9) {
        for (let f = 0; f < numFeatures; f++) w[f] *= wscale;
        wscale = 1;
      }
      if (update !== 0) {
        const c = update / wscale;
        for (let f = 0; f < numFeatures; f++) w[f] += x[offset + f] * c;
        intercept += update;
      }
      t += 1;
    }
    if (!Number.isFinite(intercept) || w.some((v) => !Number.isFinite(v))) {
      throw new RangeError(
        `Cannot train DefaultClassifier: the weights overflowed at epoch ${
          epoch + 1
        } (sklearn's "Floating-point under-/overflow"), received activations too large for alpha ${alpha}. Scale the activations down or raise alpha.`,
      );
    }
    if (tol > -Infinity && sumLoss > bestLoss - tol * n) noImprovement += 1;
    else noImprovement = 0;
    if (sumLoss < bestLoss) bestLoss = sumLoss;
    if (noImprovement >= nIterNoChange) {
      converged = true;
      break;
    }
  }
  for (let f = 0; f < numFeatures; f++) w[f] *= wscale;
  return { coef: w, intercept, nIter: Math.min(epoch + 1, maxIter), converged };
}

/** A one-versus-rest linear classifier, as sklearn's fitted `SGDClassifier`. */
export interface LinearSgdModel {
  /** The sorted distinct labels (sklearn's `classes_`). */
  classes: number[];
  /**
   * sklearn's `coef_`: one row for two classes (the second class is positive), else one row per
   * class (that class against the rest).
   */
  coef: Float64Array[];
  /** sklearn's `intercept_`, one per row of `coef`. */
  intercept: number[];
  /** The most epochs any binary problem ran (sklearn's `n_iter_`). */
  nIter: number;
  /** Whether every binary problem met the stopping rule before `maxIter` epochs. */
  converged: boolean;
}

/**
 * Fit sklearn's `SGDClassifier` (hinge, L2, "optimal") on `x` (`n × numFeatures`, row-major) and
 * integer `labels` (at least two distinct values): one binary problem for two classes, one per
 * class otherwise, each shuffled by its own generator drawn from `seed`.
 */
export function fitLinearSgd(
  x: Float64Array,
  numFeatures: number,
  labels: ArrayLike<number>,
  params: SgdParameters,
  seed: number,
): LinearSgdModel {
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const positives = classes.length === 2 ? [classes[1]] : classes;
  const random = new SeededRandom(seed);
  const seeds = positives.map(() => random.int(2 ** 31 - 1));
  const fits = positives.map((positive, i) => {
    const y = Float64Array.from(labels, (l) => (l === positive ? 1 : -1));
    return plainSgd(x, numFeatures, y, params, new SeededRandom(seeds[i]));
  });
  return {
    classes,
    coef: fits.map((f) => f.coef),
    intercept: fits.map((f) => f.intercept),
    nIter: Math.max(...fits.map((f) => f.nIter)),
    converged: fits.every((f) => f.converged),
  };
}

/** The label `model` predicts for row `row` of `x` (sklearn's `predict`). */
export function predictLinear(
  model: LinearSgdModel,
  x: ArrayLike<number>,
  numFeatures: number,
  row: number,
): number {
  const offset = row * numFeatures;
  const scores = model.coef.map((w, i) => {
    let s = model.intercept[i];
    for (let f = 0; f < numFeatures; f++) s += w[f] * x[offset + f];
    return s;
  });
  if (scores.length === 1) return model.classes[scores[0] > 0 ? 1 : 0];
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return model.classes[best];
}
