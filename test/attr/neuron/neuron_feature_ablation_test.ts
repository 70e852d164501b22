import { NeuronFeatureAblation, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel } from "../layer/_models.ts";

Deno.test("`NeuronFeatureAblation.attribute()` ablates inputs and watches one neuron", async () => {
  const model = multiLayerModel();
  const nfa = new NeuronFeatureAblation(model, "linear1");
  const x = tf.tensor2d([[20, 50, 30]]);
  const attr = await nfa.attribute(x, { neuronSelector: [1] });
  assertAllClose(attr, [20, 50, 30], { atol: 1e-4 });
  const grouped = await nfa.attribute(x, {
    neuronSelector: [1],
    featureMask: tf.tensor2d([[0, 0, 1]], [1, 3], "int32"),
  });
  assertAllClose(grouped, [70, 70, 30], { atol: 1e-4 });
  await assertNoLeak(() => nfa.attribute(x, { neuronSelector: [0] }));
});
