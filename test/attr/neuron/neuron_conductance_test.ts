import assert from "node:assert/strict";
import { NeuronConductance, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel, residualModel } from "../layer/_models.ts";

Deno.test("`NeuronConductance.attribute()` splits the flow through a neuron over the inputs", async () => {
  // MultiLayer, x = [0, 100, 0], neuron linear1[0], target 0: the flow is 100 · P(unit 0 active)
  // on input 1 only, ≈ 90.
  const model = multiLayerModel();
  const nc = new NeuronConductance(model, "linear1");
  const attr = await nc.attribute(tf.tensor2d([[0, 100, 0]]), {
    neuronSelector: [0],
    target: 0,
    nSteps: 1000,
  });
  assertAllClose(attr, [0, 90, 0], { atol: 0.2 });
  const ibs = await nc.attribute(tf.tensor2d([[0, 100, 0]]), {
    neuronSelector: [0],
    target: 0,
    nSteps: 1000,
    internalBatchSize: 300,
  });
  assertAllClose(ibs, attr, { atol: 1e-3 });
  // Summed over the neurons of a layer after which the model is linear, conductance is complete.
  const residual = residualModel();
  const x = tf.randomNormal([1, 5, 5, 2], 0, 1, "float32", 5);
  const rc = new NeuronConductance(residual, "relu_add");
  let total = 0;
  for (let c = 0; c < 3; c++) {
    for (let h = 0; h < 5; h++) {
      for (let w = 0; w < 5; w++) {
        const a = await rc.attribute(x, { neuronSelector: [h, w, c], target: 1, nSteps: 100 });
        total += a.sum().dataSync()[0];
        a.dispose();
      }
    }
  }
  const f = (v: tf.Tensor) => (residual.predict(v) as tf.Tensor).slice([0, 1], [1, 1]);
  const change = f(x).sub(f(tf.zerosLike(x))).dataSync()[0];
  // Trapezoid weights sum to (n − 1)/n = 0.99.
  assert.ok(Math.abs(total - change) < 0.02 * Math.abs(change) + 1e-3, `${total} vs ${change}`);
});

Deno.test("`NeuronConductance.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  await assertNoLeak(() =>
    new NeuronConductance(model, "add").attribute(x, { ...sel, target: 0, nSteps: 4 })
  );
});
