import assert from "node:assert/strict";
import { LayerConductance, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../../fixtures/load_fixture.ts";
import { multiLayerModel, residualModel } from "./_models.ts";

Deno.test("`LayerConductance.attribute()` matches Captum's MultiLayer closed form", async () => {
  const model = multiLayerModel();
  const x = tf.tensor2d([[0, 100, 0]]);
  const lc = new LayerConductance(model, "linear1");
  const attr = await lc.attribute(x, { target: 0 });
  assertAllClose(attr, [90, 100, 100, 100], { atol: 0.5 });
  // Riemann sums lose at most one step (100 / nSteps) at unit 0's kink; completeness holds to it.
  const fine = await lc.attributeWithDelta(x, {
    target: 0,
    nSteps: 1000,
    method: "riemann_trapezoid",
  });
  assertAllClose(fine.attributions, [90, 100, 100, 100], { atol: 0.11 });
  assert.ok(Math.abs(fine.delta.dataSync()[0]) <= 1e-2 * 390);
});

Deno.test("`LayerConductance.attribute()` satisfies completeness on the tutorial CNN", async () => {
  const fx = loadCaptumFixture();
  // At relu2 the rest of the network is linear, so the telescoping sum is exact. (At a conv
  // followed by a ReLU the delta shrinks as O(1/nSteps), as in Captum.)
  const lc = new LayerConductance(fx.model, "relu2");
  const x = fx.inputs.slice([1], [1]);
  const { attributions, delta } = await lc.attributeWithDelta(x, {
    target: fx.targets[1],
    method: "riemann_trapezoid",
  });
  assert.deepEqual(attributions.shape, [1, 28, 28, 16]);
  const f = fx.model.predict(x) as tf.Tensor;
  const scale = Math.abs((f.arraySync() as number[][])[0][fx.targets[1]]);
  const err = delta.abs().max().dataSync()[0];
  assert.ok(err <= 1e-2 * scale, `delta ${err} vs F(x) ${scale}`);
});

Deno.test("`LayerConductance.attribute()` is independent of internalBatchSize and leaks nothing", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 8);
  const lc = new LayerConductance(model, "add");
  const all = await lc.attribute(x, { target: 2, nSteps: 9 });
  for (const ibs of [2, 5, 7]) {
    const chunked = await lc.attribute(x, { target: 2, nSteps: 9, internalBatchSize: ibs });
    assertAllClose(chunked, all, { rtol: 1e-4, atol: 1e-5, message: `ibs ${ibs}` });
  }
  // On the merge, conductance is complete: everything flows through "add".
  const { delta } = await lc.attributeWithDelta(x, {
    target: 2,
    nSteps: 200,
    method: "riemann_trapezoid",
  });
  assert.ok(delta.abs().max().dataSync()[0] < 1e-2);
  await assertNoLeak(() => lc.attribute(x, { target: 2, nSteps: 5, internalBatchSize: 4 }));
  await assertNoLeak(() => lc.attribute(x, { target: 2, nSteps: 3, attributeToLayerInput: false }));
});
