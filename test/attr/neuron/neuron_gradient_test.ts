import { NeuronGradient, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { residualModel } from "../layer/_models.ts";

Deno.test("`NeuronGradient.attribute()` equals the gradient of the layer's unit", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 3);
  for (const layer of ["relu_a", "conv_b", "add"]) {
    const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output });
    const expected = tf.grad((v: tf.Tensor) =>
      (sub.apply(v) as tf.Tensor).slice([0, 2, 1, 1], [-1, 1, 1, 1]).sum()
    )(x);
    const attr = await new NeuronGradient(model, layer).attribute(x, {
      neuronSelector: [2, 1, 1],
    });
    assertAllClose(attr, expected, { rtol: 1e-5, atol: 1e-6, message: layer });
    // A function selector gives the same.
    const fn = await new NeuronGradient(model, layer).attribute(x, {
      neuronSelector: (a) => a.slice([0, 2, 1, 1], [-1, 1, 1, 1]).reshape([-1]),
    });
    assertAllClose(fn, expected, { rtol: 1e-5, atol: 1e-6, message: `${layer} fn` });
  }
});

Deno.test("`NeuronGradient.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  await assertNoLeak(() => new NeuronGradient(model, "add").attribute(x, sel));
});
