/**
 * The linear classifiers that learn CAVs, as Captum's `Classifier` interface and its
 * `DefaultClassifier` (scikit-learn's `SGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3)`),
 * trained here in float64 and seeded.
 *
 * @module
 */
import { SeededRandom } from "../attr/_utils/seeded_random.ts";
import { conceptError } from "./_errors.ts";
import { fitLinearSgd, type LinearSgdModel, predictLinear } from "./_sgd.ts";

/**
 * The activations a classifier learns from: one row per concept example (the layer's activations
 * flattened in NHWC order), labelled with the example's concept id.
 */
export interface ConceptActivations {
  /** `labels.length × numFeatures` activations, row-major. */
  inputs: Float32Array;
  /** Features per row (the layer's size without the batch axis). */
  numFeatures: number;
  /** The concept id of each row. */
  labels: Int32Array;
}

/** What {@linkcode Classifier.trainAndEval} reports, e.g. `{ accs: 0.95 }`; saved with the CAV. */
export type ClassifierStats = Record<string, unknown>;

/**
 * A classifier of layer activations by concept, as Captum's `Classifier`: TCAV trains it on each
 * experimental set's activations, then reads its weights, one row per class, as the CAVs.
 *
 * @example
 * ```ts
 * import type { Classifier, ConceptActivations } from "../mod.ts";
 * // CAVs as the difference of the two concepts' mean activations.
 * class MeanDifference implements Classifier {
 *   #w = new Float32Array(0);
 *   #classes: number[] = [];
 *   trainAndEval({ inputs, numFeatures, labels }: ConceptActivations) {
 *     this.#classes = [...new Set(labels)].sort((a, b) => a - b);
 *     const w = new Float32Array(numFeatures);
 *     const counts = this.#classes.map((c) => labels.filter((l) => l === c).length);
 *     labels.forEach((l, i) => {
 *       const sign = l === this.#classes[1] ? 1 / counts[1] : -1 / counts[0];
 *       for (let f = 0; f < numFeatures; f++) w[f] += sign * inputs[i * numFeatures + f];
 *     });
 *     this.#w = w;
 *     return {};
 *   }
 *   weights() {
 *     return [this.#w.map((v) => -v), this.#w];
 *   }
 *   classes() {
 *     return this.#classes;
 *   }
 * }
 * const c = new MeanDifference();
 * c.trainAndEval({ inputs: Float32Array.of(0, 1, 2, 1), numFeatures: 2, labels: Int32Array.of(3, 5) });
 * console.log(c.classes(), c.weights()[1]); // [3, 5] Float32Array [2, 0]
 * ```
 */
export interface Classifier {
  /**
   * Train on `data` (and evaluate, if the classifier does), returning statistics to keep with the
   * CAV, or nothing.
   *
   * @param options TCAV's `classifierOptions`, e.g. `{ testSplitRatio: 0.2 }`.
   */
  trainAndEval(
    data: ConceptActivations,
    options?: Record<string, unknown>,
  ): ClassifierStats | void | Promise<ClassifierStats | void>;
  /**
   * The trained weights, one row per class in the order of {@linkcode Classifier.classes}, each
   * with one value per feature (two rows for two classes: −w and w).
   */
  weights(): Float32Array[];
  /** The classes (concept ids) of the rows of {@linkcode Classifier.weights}. */
  classes(): number[];
}

/** Constructor options of {@linkcode DefaultClassifier}: sklearn's `SGDClassifier`'s, camelCased. */
export interface DefaultClassifierConfig {
  /** L2 regularization strength (sklearn's `alpha`). @default 0.01 */
  alpha?: number;
  /** The most epochs (sklearn's `max_iter`). @default 1000 */
  maxIter?: number;
  /**
   * Stop once the summed training loss of an epoch has not improved on the best by `tol · n` for
   * `nIterNoChange` epochs in a row; `-Infinity` runs `maxIter` epochs. @default 1e-3
   */
  tol?: number;
  /** Epochs without improvement before stopping (sklearn's `n_iter_no_change`). @default 5 */
  nIterNoChange?: number;
  /** Shuffle the training examples before each epoch (sklearn's `shuffle`). @default true */
  shuffle?: boolean;
  /**
   * Seed of the train/test split and the shuffling. Each {@linkcode DefaultClassifier.trainAndEval}
   * starts from it, so equal data give equal CAVs whatever was trained before.
   * @default 0
   */
  seed?: number;
}

/** Options of {@linkcode DefaultClassifier.trainAndEval} (TCAV's `classifierOptions`). */
export interface DefaultClassifierOptions {
  /**
   * The share of the examples held out to measure the accuracy (`floor(ratio · n)` examples, after
   * a seeded shuffle, as Captum's `test_split_ratio`). With none held out, no accuracy is reported.
   * @default 0.33
   */
  testSplitRatio?: number;
}

const ACTION = "train DefaultClassifier";

/**
 * Captum's default CAV classifier: scikit-learn's `SGDClassifier` (hinge loss, L2 penalty
 * α = 0.01, the "optimal" learning rate, at most 1000 epochs, tol 1e-3), one-versus-rest for more
 * than two concepts, trained on a seeded shuffle of the examples less a held-out third on which
 * it reports the accuracy `accs`. Without shuffling it reproduces sklearn's weights to rounding;
 * with it, sklearn's algorithm on this library's random numbers.
 *
 * @example
 * ```ts
 * import { DefaultClassifier } from "../mod.ts";
 * // Concept 0 has a low first feature, concept 1 a high one.
 * const inputs = Float32Array.from([0, 1, 0.1, 0, 0.2, 1, 0.9, 0, 1, 1, 0.8, 0]);
 * const labels = Int32Array.of(0, 0, 0, 1, 1, 1);
 * const classifier = new DefaultClassifier({ seed: 1 });
 * classifier.trainAndEval({ inputs, numFeatures: 2, labels }, { testSplitRatio: 0 });
 * const [, w] = classifier.weights();
 * console.log(classifier.classes(), w[0] > 0); // [0, 1] true
 * ```
 */
export class DefaultClassifier implements Classifier {
  readonly #config: Required<DefaultClassifierConfig>;
  #model: LinearSgdModel | undefined;

  /**
   * @param config see {@linkcode DefaultClassifierConfig}.
   * @throws {RangeError} for a non-positive `alpha`, `maxIter` or `nIterNoChange`, or a NaN `tol`.
   */
  constructor(config: DefaultClassifierConfig = {}) {
    const {
      alpha = 0.01,
      maxIter = 1000,
      tol = 1e-3,
      nIterNoChange = 5,
      shuffle = true,
      seed = 0,
    } = config;
    const action = "create DefaultClassifier";
    if (typeof alpha !== "number" || !(alpha > 0) || !Number.isFinite(alpha)) {
      throw conceptError(
        RangeError,
        action,
        "alpha",
        "a positive number",
        alpha,
        "Pass e.g. 0.01.",
      );
    }
    for (const [what, v] of [["maxIter", maxIter], ["nIterNoChange", nIterNoChange]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw conceptError(RangeError, action, what, "a positive integer", v, `Pass e.g. 5.`);
      }
    }
    if (typeof tol !== "number" || Number.isNaN(tol)) {
      throw conceptError(
        RangeError,
        action,
        "tol",
        "a number (-Infinity to run maxIter epochs)",
        tol,
        "Pass e.g. 1e-3.",
      );
    }
    if (typeof seed !== "number" || !Number.isFinite(seed)) {
      throw conceptError(RangeError, action, "seed", "a finite number", seed, "Pass e.g. 0.");
    }
    this.#config = { alpha, maxIter, tol, nIterNoChange, shuffle: shuffle !== false, seed };
  }

  /**
   * Shuffle the examples (seeded), hold out `floor(testSplitRatio · n)` of them, fit
   * `SGDClassifier` on the rest and return `{ accs }`, the accuracy on the held-out examples
   * (absent when none is held out), and `nIter`, the epochs run.
   *
   * @throws {RangeError} for a `testSplitRatio` outside [0, 1), or training examples of fewer
   *   than two concepts.
   * @throws {TypeError} for `data` whose sizes disagree.
   */
  trainAndEval(
    data: ConceptActivations,
    options: DefaultClassifierOptions = {},
  ): { accs?: number; nIter: number } {
    const { inputs, numFeatures, labels } = data;
    const { testSplitRatio = 0.33 } = options;
    if (typeof testSplitRatio !== "number" || !(testSplitRatio >= 0 && testSplitRatio < 1)) {
      throw conceptError(
        RangeError,
        ACTION,
        "testSplitRatio",
        "a number in [0, 1)",
        testSplitRatio,
        "Pass e.g. 0.33 (or 0 to train on every example).",
      );
    }
    const n = labels.length;
    if (!Number.isInteger(numFeatures) || numFeatures < 1 || inputs.length !== n * numFeatures) {
      throw conceptError(
        TypeError,
        ACTION,
        "data.inputs",
        `labels.length × numFeatures = ${n} × ${numFeatures} values`,
        `${inputs.length} values`,
        "Pass one row of numFeatures activations per label.",
      );
    }
    const random = new SeededRandom(this.#config.seed);
    const order = random.permutation(n);
    const testSize = Math.floor(testSplitRatio * n);
    const test = order.subarray(0, testSize);
    const train = order.subarray(testSize);
    const x = new Float64Array(train.length * numFeatures);
    train.forEach((row, i) =>
      x.set(inputs.subarray(row * numFeatures, (row + 1) * numFeatures), i * numFeatures)
    );
    const y = Int32Array.from(train, (row) => labels[row]);
    if (new Set(y).size < 2) {
      throw conceptError(
        RangeError,
        ACTION,
        "the training examples",
        "examples of at least two concepts",
        `the concept ids [${[...new Set(y)].join(", ")}]`,
        "Give each concept of the experimental set examples (and enough of them to survive the test split).",
      );
    }
    const { alpha, maxIter, tol, nIterNoChange, shuffle } = this.#config;
    this.#model = fitLinearSgd(
      x,
      numFeatures,
      y,
      { alpha, maxIter, tol, nIterNoChange, shuffle },
      random.int(2 ** 31 - 1),
    );
    if (testSize === 0) return { nIter: this.#model.nIter };
    let correct = 0;
    for (const row of test) {
      if (predictLinear(this.#model, inputs, numFeatures, row) === labels[row]) correct++;
    }
    return { accs: correct / testSize, nIter: this.#model.nIter };
  }

  /**
   * The weights as float32 rows, one per class of {@linkcode DefaultClassifier.classes}: −w and w
   * for two classes (sklearn's single row, negated for the first class), else sklearn's rows.
   *
   * @throws {RangeError} before {@linkcode DefaultClassifier.trainAndEval}.
   */
  weights(): Float32Array[] {
    const { coef } = this.#trained("weights");
    if (coef.length === 1) {
      return [Float32Array.from(coef[0], (v) => -v), Float32Array.from(coef[0])];
    }
    return coef.map((row) => Float32Array.from(row));
  }

  /** The sorted concept ids it was trained on. @throws {RangeError} before training. */
  classes(): number[] {
    return [...this.#trained("classes").classes];
  }

  /** sklearn's `coef_` (float64): one row for two classes, else one per class. */
  coef(): Float64Array[] {
    return this.#trained("coef").coef.map((row) => row.slice());
  }

  /** sklearn's `intercept_`, one per row of {@linkcode DefaultClassifier.coef}. */
  intercept(): number[] {
    return [...this.#trained("intercept").intercept];
  }

  #trained(what: string): LinearSgdModel {
    if (this.#model) return this.#model;
    throw conceptError(
      RangeError,
      `read DefaultClassifier.${what}()`,
      "the classifier",
      "trained",
      "an untrained classifier",
      "Call trainAndEval(data) first.",
    );
  }
}
