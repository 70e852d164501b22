import assert from "node:assert/strict";
import {
  createClassifier,
  crossEntropyLossFn,
  type InfluenceLossFn,
  tf,
  TracInCPFast,
} from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";
import { syntheticSplit } from "../_helpers/synthetic_split.ts";
import * as fx from "./_fixture.ts";

const fixture = fx.readInfluenceFixture();
const { train, test } = fx.fixtureData(fixture);
const sum = crossEntropyLossFn({ reduction: "sum" });

Deno.test("`TracInCPFast.influence()` is Σ_c η_c (∂ℓ/∂y·∂ℓ'/∂y')(x·x') on a linear model (by hand)", async () => {
  const data = fx.linearData();
  const tracin = new TracInCPFast(fx.linearModel(), "linear", data.train, [0, 1], {
    checkpointsLoadFunc: fx.linearLoader,
    lossFn: fx.squaredError,
    batchSize: 2,
  });
  const scores = await tracin.influence(data.test);
  assertAllClose(scores, fx.linearTracIn(false), { rtol: 1e-5, atol: 1e-5 });
  tf.dispose([scores, data.train.xs, data.train.ys, data.test.xs, data.test.ys]);
});

/** TracInCPFast at `fc2` of `model` over the fixture's checkpoints gives Captum's results. */
async function assertMatchesCaptum(model: tf.LayersModel, lossFn: InfluenceLossFn): Promise<void> {
  const tracin = new TracInCPFast(model, "fc2", train, [0, 1], {
    checkpointsLoadFunc: fx.fixtureLoader(fixture),
    lossFn,
    batchSize: 4,
  });
  await fx.assertTracInMatchesCaptum(
    tracin,
    test,
    fixture.captum.TracInCPFast as unknown as fx.TracInReference,
  );
}

Deno.test("`TracInCPFast` matches Captum's TracInCPFast (influence, proponents, opponents, self-influence)", async () => {
  await assertMatchesCaptum(fx.fixtureMlp(), sum);
});

Deno.test("`TracInCPFast` with a mean loss gives the sum loss's scores (per-example gradients)", async () => {
  const make = (reduction: "sum" | "mean", batchSize: number) =>
    new TracInCPFast(fx.fixtureMlp(), "fc2", train, [0, 1], {
      checkpointsLoadFunc: fx.fixtureLoader(fixture),
      lossFn: crossEntropyLossFn({ reduction }),
      batchSize,
    });
  const a = await make("sum", 16).influence(test);
  const b = await make("mean", 3).influence(test);
  assertAllClose(a, b, { rtol: 1e-5, atol: 1e-6 });
  tf.dispose([a, b]);
});

Deno.test("`TracInCPFast` reads a Fashion-MNIST split batch by batch and leaks no tensors", async () => {
  const model = createClassifier({ seed: 0 });
  const split = syntheticSplit(30);
  const tracin = new TracInCPFast(model, "dense", split, [0], {
    checkpointsLoadFunc: () => 1,
    lossFn: sum,
    batchSize: 7,
  });
  const xs = tf.tensor4d(split.images.slice(0, 2 * 784), [2, 28, 28, 1]);
  const ys = tf.tensor1d([0, 1], "int32");
  await assertNoLeak(async () => {
    const matrix = await tracin.influence({ xs, ys });
    const self = await tracin.selfInfluence(undefined, { showProgress: false });
    assert.deepEqual(matrix.shape, [2, 30]);
    // The diagonal of the influence matrix is the self-influence.
    const m = matrix.arraySync();
    const s = self.arraySync();
    assertAllClose([m[0][0], m[1][1]], [s[0], s[1]], { rtol: 1e-4 });
    return [matrix, self];
  });
  tf.dispose([xs, ys]);
});

Deno.test("`TracInCPFast` errors name the argument, the value and the fix", () => {
  const options = { checkpointsLoadFunc: fx.fixtureLoader(fixture), lossFn: sum };
  assert.throws(
    () => new TracInCPFast(fx.fixtureMlp(), "fc1", train, [0], options),
    (e: Error) =>
      e instanceof TypeError &&
      /^Cannot compute TracInCPFast influence: finalFcLayer must be the model's output layer.*received "layer fc1, a dense layer that is not the model's output layer"\. Pass the last dense layer/
        .test(e.message),
  );
  assert.throws(
    () => new TracInCPFast(createClassifier(), "conv2", train, [0], options),
    /a Conv2D layer/,
  );
  assert.throws(
    () =>
      new TracInCPFast(fx.fixtureMlp(), "fc2", train, [0], {
        checkpointsLoadFunc: fx.fixtureLoader(fixture),
      } as unknown as { lossFn: typeof sum }),
    /lossFn must be a loss function .*received undefined\. Pass lossFn: crossEntropyLossFn/,
  );
  assert.throws(
    () =>
      new TracInCPFast(fx.fixtureMlp(), "fc2", train, [0], {
        ...options,
        lossFn: crossEntropyLossFn({ reduction: "none" }),
      }),
    (e: Error) =>
      e instanceof RangeError && /lossFn.reduction must be "sum" or "mean"/.test(e.message),
  );
  assert.throws(
    () => new TracInCPFast(fx.fixtureMlp(), "fc9", train, [0], options),
    /layer must be one of the model's layers \("fc1", "relu", "fc2"\), received "fc9"/,
  );
});

Deno.test("`TracInCPFast` on a dense layer with a softmax activation takes the loss gradient at its linear output (Captum's)", async () => {
  // fc2 with Keras's fused softmax and the negative log-likelihood of the probabilities is the
  // fixture's network with cross-entropy on the logits: Captum's scores, unchanged.
  const nll: InfluenceLossFn = Object.assign(
    (probabilities: tf.Tensor, targets: tf.Tensor) =>
      tf.neg(tf.sum(tf.mul(tf.oneHot(targets as tf.Tensor1D, 3), tf.log(probabilities)))),
    { reduction: "sum" as const },
  );
  await assertMatchesCaptum(fx.fixtureMlp(true), nll);
});
