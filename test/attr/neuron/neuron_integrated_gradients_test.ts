import { NeuronIntegratedGradients, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { residualModel } from "../layer/_models.ts";

Deno.test("`NeuronIntegratedGradients.attribute()` sums to the neuron's change", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 4);
  const attr = await new NeuronIntegratedGradients(model, "add").attribute(x, {
    neuronSelector: [1, 1, 0],
    nSteps: 200,
  });
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer("add").output });
  const at = (v: tf.Tensor) => (sub.predict(v) as tf.Tensor).slice([0, 1, 1, 0], [-1, 1, 1, 1]);
  const change = at(x).sub(at(tf.zerosLike(x))).reshape([2]);
  assertAllClose(attr.reshape([2, -1]).sum(1), change, { atol: 2e-3, rtol: 1e-2 });
});

Deno.test("`NeuronIntegratedGradients.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  await assertNoLeak(() =>
    new NeuronIntegratedGradients(model, "add").attribute(x, { ...sel, nSteps: 4 })
  );
});
