import { NeuronGradientShap, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel, residualModel } from "../layer/_models.ts";

Deno.test("`NeuronGradientShap.attribute()` equals IG-like expectations on a linear neuron", async () => {
  const model = multiLayerModel();
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const attr = await new NeuronGradientShap(model, "linear1").attribute(x, {
    neuronSelector: [2],
    baselines: tf.zeros([3, 3]),
    nSamples: 10,
  });
  // linear1 is linear in x with unit weights: gradient 1, so attributions are x − 0.
  assertAllClose(attr, x, { atol: 1e-5 });
});

Deno.test("`NeuronGradientShap.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  const b = tf.zeros([2, 5, 5, 2]);
  await assertNoLeak(() =>
    new NeuronGradientShap(model, "add").attribute(x, { ...sel, baselines: b })
  );
});
