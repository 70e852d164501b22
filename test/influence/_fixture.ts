/**
 * The data influence tests' models: Captum's influence fixture (a small MLP with two
 * checkpoints, `scripts/captum_influence_fixtures.py`) and a linear model whose TracIn scores
 * have a closed form.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type InfluenceLossFn, tf } from "../../lib/mod.ts";
import { assertAllClose } from "../_helpers/tensor_asserts.ts";

/** `fixtures/captum/influence.json` as stored. */
export interface InfluenceFixture {
  learning_rates: number[];
  checkpoint_weights: (number[] | number[][])[][];
  train_x: number[][];
  train_y: number[];
  test_x: number[][];
  test_y: number[];
  captum: Record<string, Record<string, unknown>>;
}

/** Captum's TracIn outputs for one configuration. */
export interface TracInReference {
  influence: number[][];
  proponents: { indices: number[][]; influence_scores: number[][] };
  opponents: { indices: number[][]; influence_scores: number[][] };
  self_influence: number[];
}

/** Read the fixture. */
export function readInfluenceFixture(): InfluenceFixture {
  return JSON.parse(
    Deno.readTextFileSync(new URL("../../fixtures/captum/influence.json", import.meta.url)),
  );
}

/** The fixture's MLP in TF.js: `fc1` dense(5) → `relu` → `fc2` dense(3) (with a softmax: Keras's fused one). */
export function fixtureMlp(softmax = false): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ name: "fc1", units: 5, inputShape: [6] }),
      tf.layers.reLU({ name: "relu" }),
      tf.layers.dense({ name: "fc2", units: 3, activation: softmax ? "softmax" : "linear" }),
    ],
  });
}

/** A `checkpointsLoadFunc` for checkpoints given as indices into the fixture's weights. */
export function fixtureLoader(
  fixture: InfluenceFixture,
): (model: tf.LayersModel, c: number) => number {
  return (model, c) => {
    const values = fixture.checkpoint_weights[c].map((w) => tf.tensor(w));
    model.setWeights(values);
    tf.dispose(values);
    return fixture.learning_rates[c];
  };
}

/** The fixture's data as tensors (kept for the process). */
export function fixtureData(fixture: InfluenceFixture): {
  train: { xs: tf.Tensor2D; ys: tf.Tensor1D };
  test: { xs: tf.Tensor2D; ys: tf.Tensor1D };
} {
  return tf.tidy(() => ({
    train: { xs: tf.tensor2d(fixture.train_x), ys: tf.tensor1d(fixture.train_y, "int32") },
    test: { xs: tf.tensor2d(fixture.test_x), ys: tf.tensor1d(fixture.test_y, "int32") },
  }));
}

/** Squared error summed over the batch, `Σ (out − y)²`, with `reduction: "sum"`. */
export const squaredError: InfluenceLossFn = Object.assign(
  (outputs: tf.Tensor, targets: tf.Tensor) =>
    tf.sum(tf.square(tf.sub(tf.reshape(outputs, [-1]), targets))),
  { reduction: "sum" as const },
);

/** A linear model `f(x) = w·x + b` on 3 features and its two checkpoints' weights and rates. */
export const LINEAR = {
  checkpoints: [
    { w: [0.5, -1, 2], b: 0.25, learningRate: 0.1 },
    { w: [-0.3, 0.8, 1.5], b: -0.5, learningRate: 0.05 },
  ],
  trainX: [[1, 2, 0], [0, -1, 1], [2, 0.5, -1], [-1, 1, 1], [0.5, 0.5, 0.5]],
  trainY: [1, -2, 0.5, 3, 0],
  testX: [[1, 0, 1], [-2, 1, 0.5]],
  testY: [2, -1],
};

/** The linear model in TF.js (`linear` dense(1)). */
export function linearModel(): tf.Sequential {
  return tf.sequential({
    layers: [tf.layers.dense({ name: "linear", units: 1, inputShape: [3] })],
  });
}

/** Loads checkpoint `c` of {@linkcode LINEAR}. */
export function linearLoader(model: tf.LayersModel, c: number): number {
  const { w, b, learningRate } = LINEAR.checkpoints[c];
  const values = [tf.tensor2d(w, [3, 1]), tf.tensor1d([b])];
  model.setWeights(values);
  tf.dispose(values);
  return learningRate;
}

/**
 * TracIn of the linear model under squared error, by hand: per-example gradients are
 * `2 r x` (w) and `2 r` (b) with `r = w·x + b − y`, so the score is
 * Σ_c η_c · 4 r r′ (x·x′ + bias), bias 1 with the bias's gradient (TracInCP), 0 without
 * (TracInCPFast).
 */
export function linearTracIn(withBias: boolean): number[][] {
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  return LINEAR.testX.map((xt, t) =>
    LINEAR.trainX.map((xi, i) =>
      LINEAR.checkpoints.reduce((sum, { w, b, learningRate }) => {
        const rt = dot(w, xt) + b - LINEAR.testY[t];
        const ri = dot(w, xi) + b - LINEAR.trainY[i];
        return sum + learningRate * 4 * rt * ri * (dot(xt, xi) + (withBias ? 1 : 0));
      }, 0)
    )
  );
}

/** The linear model's data as tensors. */
export function linearData(): {
  train: { xs: tf.Tensor2D; ys: tf.Tensor1D };
  test: { xs: tf.Tensor2D; ys: tf.Tensor1D };
} {
  return tf.tidy(() => ({
    train: { xs: tf.tensor2d(LINEAR.trainX), ys: tf.tensor1d(LINEAR.trainY) },
    test: { xs: tf.tensor2d(LINEAR.testX), ys: tf.tensor1d(LINEAR.testY) },
  }));
}

/** The methods' shared surface, for the parity check. */
interface TracInLike {
  influence(
    inputs: { xs: tf.Tensor; ys: tf.Tensor },
    options: { k: number; proponents?: boolean },
  ): Promise<{ indices: tf.Tensor2D; influenceScores: tf.Tensor2D }>;
  influence(inputs: { xs: tf.Tensor; ys: tf.Tensor }): Promise<tf.Tensor2D>;
  selfInfluence(): Promise<tf.Tensor1D>;
}

/**
 * Assert that `tracin`'s influence matrix, top-3 proponents and opponents and self-influence on
 * `test` match Captum's `reference` (relative tolerance `rtol`), leaking no tensors.
 */
export async function assertTracInMatchesCaptum(
  tracin: TracInLike,
  test: { xs: tf.Tensor; ys: tf.Tensor },
  reference: TracInReference,
  rtol = 1e-4,
): Promise<void> {
  const before = tf.memory().numTensors;
  const matrix = await tracin.influence(test);
  assertAllClose(matrix, reference.influence, { rtol, atol: 1e-5, message: "influence" });
  for (const proponents of [true, false]) {
    const expected = proponents ? reference.proponents : reference.opponents;
    const { indices, influenceScores } = await tracin.influence(test, { k: 3, proponents });
    assert.deepEqual(indices.arraySync(), expected.indices, `proponents ${proponents}`);
    assert.equal(indices.dtype, "int32");
    assertAllClose(influenceScores, expected.influence_scores, { rtol, atol: 1e-5 });
    tf.dispose([indices, influenceScores]);
  }
  const self = await tracin.selfInfluence();
  assertAllClose(self, reference.self_influence, { rtol, atol: 1e-5, message: "self" });
  tf.dispose([matrix, self]);
  assert.equal(tf.memory().numTensors, before, "leaked tensors");
}
