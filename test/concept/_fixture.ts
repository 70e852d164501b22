/**
 * The concept fixture (`fixtures/captum/concept.json`, made by
 * `scripts/captum_concept_fixtures.py`): Captum's TCAV scores on a small MLP, scikit-learn's
 * unshuffled SGDClassifier fits and SciPy's t-tests.
 *
 * @module
 */
import { tf } from "../../lib/mod.ts";

/** A number as the fixture stores it: non-finite values as "nan", "inf", "-inf". */
export type StoredNumber = number | "nan" | "inf" | "-inf";

/** The fixture as stored. */
export interface ConceptFixture {
  tcav: {
    weights: Record<"fc1" | "fc2" | "fc3", [number[][], number[]]>;
    concepts: { id: number; name: string; batches: number[][][] }[];
    sets: number[][];
    inputs: number[][];
    targets: number[];
    scores: Record<
      "outputs" | "inputs",
      Record<string, Record<string, { sign_count: number[]; magnitude: number[] }>>
    >;
  };
  sgd: Record<string, {
    x: number[][];
    y: number[];
    maxIter: number;
    tol: number | "-inf";
    classes: number[];
    coef: number[][];
    intercept: number[];
    n_iter: number;
  }>;
  ttest: { a: number[]; b: number[]; student: StoredNumber[]; welch: StoredNumber[] }[];
}

/** The fixture, read once per process. */
export const FIXTURE: ConceptFixture = JSON.parse(
  Deno.readTextFileSync(new URL("../../fixtures/captum/concept.json", import.meta.url)),
);

/** A stored number as a number. */
export function storedNumber(v: StoredNumber): number {
  return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
}

/** The fixture's MLP (fc1 → relu1 → fc2 → relu2 → fc3) with PyTorch's weights; caller disposes. */
export function fixtureMlp(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: "fc1", units: 6, inputShape: [4] }),
      tf.layers.reLU({ name: "relu1" }),
      tf.layers.dense({ name: "fc2", units: 5 }),
      tf.layers.reLU({ name: "relu2" }),
      tf.layers.dense({ name: "fc3", units: 3 }),
    ],
  });
  for (const name of ["fc1", "fc2", "fc3"] as const) {
    const [kernel, bias] = FIXTURE.tcav.weights[name];
    tf.tidy(() => model.getLayer(name).setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)]));
  }
  return model;
}
