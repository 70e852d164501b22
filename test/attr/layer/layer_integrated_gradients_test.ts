import assert from "node:assert/strict";
import { LayerIntegratedGradients, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../../fixtures/load_fixture.ts";
import { multiLayerModel, residualModel } from "./_models.ts";

Deno.test("`LayerIntegratedGradients.attribute()` satisfies completeness on the tutorial CNN", async () => {
  const fx = loadCaptumFixture();
  const lig = new LayerIntegratedGradients(fx.model, "conv1");
  const { attributions, delta } = await lig.attributeWithDelta(fx.inputs, {
    target: fx.targets,
  });
  assert.deepEqual(attributions.shape, [2, 28, 28, 32]);
  const f = (fx.model.predict(fx.inputs) as tf.Tensor).arraySync() as number[][];
  const f0 = (fx.model.predict(tf.zerosLike(fx.inputs)) as tf.Tensor).arraySync() as number[][];
  const diff = tf.tensor1d(fx.targets.map((t, i) => f[i][t] - f0[i][t]));
  const sums = attributions.reshape([2, -1]).sum(1);
  const scale = diff.abs().max().dataSync()[0];
  assertAllClose(sums, diff, { atol: 1e-2 * scale, rtol: 0 });
  assert.ok(delta.abs().max().dataSync()[0] <= 1e-2 * scale);
});

Deno.test("`LayerIntegratedGradients.attribute()` integrates between layer activations", async () => {
  // MultiLayer at linear1 with baseline 0: A(x′) = bias = [−10, 1, 1, 1]; the layer's downstream is
  // relu then ones, so for target 0 the unit-0 path from −10 to 90 is active 90% of the way.
  const model = multiLayerModel();
  const x = tf.tensor2d([[0, 100, 0]]);
  const lig = new LayerIntegratedGradients(model, "linear1");
  const attr = await lig.attribute(x, { target: 0, nSteps: 500, method: "riemann_trapezoid" });
  assertAllClose(attr, [90, 100, 100, 100], { atol: 0.3 });
  const local = await new LayerIntegratedGradients(model, "linear1", { multiplyByInputs: false })
    .attribute(x, { target: 0, nSteps: 500, method: "riemann_trapezoid" });
  assertAllClose(local, [0.9, 1, 1, 1], { atol: 3e-3 });
});

Deno.test("`LayerIntegratedGradients.attribute()` is independent of internalBatchSize", async () => {
  const model = residualModel();
  const x = tf.randomNormal([3, 5, 5, 2], 0, 1, "float32", 4);
  const lig = new LayerIntegratedGradients(model, "add");
  const all = await lig.attribute(x, { target: 1, nSteps: 10 });
  const chunked = await lig.attribute(x, { target: 1, nSteps: 10, internalBatchSize: 7 });
  assertAllClose(chunked, all, { rtol: 1e-4, atol: 1e-5 });
  const inBranch = await new LayerIntegratedGradients(model, "relu_a").attributeWithDelta(x, {
    target: [0, 1, 2],
    nSteps: 100,
  });
  assert.deepEqual(inBranch.attributions.shape, [3, 5, 5, 3]);
  // Branch layers do not carry the whole change (conv_a also feeds the add), so no completeness.
  await assertNoLeak(() => lig.attribute(x, { target: 1, nSteps: 4, internalBatchSize: 3 }));
  await assertNoLeak(() => lig.attributeWithDelta(x, { target: 1, nSteps: 4 }));
});

Deno.test("`LayerIntegratedGradients.attribute()` rejects bad options", async () => {
  const model = multiLayerModel();
  const lig = new LayerIntegratedGradients(model, "linear1");
  const x = tf.tensor2d([[1, 2, 3]]);
  await assert.rejects(
    async () => await lig.attribute(x, { target: 0, nSteps: 0 }),
    /^RangeError: Cannot compute LayerIntegratedGradients attributions: nSteps must be a positive integer, received 0/,
  );
  await assert.rejects(async () => await lig.attribute(x, { target: 5 }), RangeError);
  await assert.rejects(
    async () => await lig.attribute(x, { target: 0, baselines: tf.zeros([2, 2]) }),
    TypeError,
  );
});
