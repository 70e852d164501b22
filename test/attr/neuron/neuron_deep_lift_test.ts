import { NeuronDeepLift, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../../fixtures/load_fixture.ts";
import { residualModel } from "../layer/_models.ts";

Deno.test("`NeuronDeepLift.attribute()` is complete on a ReLU network (tutorial CNN, conv2)", async () => {
  const fx = loadCaptumFixture();
  const x = fx.inputs;
  const ndl = new NeuronDeepLift(fx.model, "conv2");
  const attr = await ndl.attribute(x, { neuronSelector: [15, 15, 15] });
  const sub = tf.model({ inputs: fx.model.inputs, outputs: fx.model.getLayer("conv2").output });
  const at = (v: tf.Tensor) =>
    (sub.predict(v) as tf.Tensor).slice([0, 15, 15, 15], [-1, 1, 1, 1]).reshape([-1]);
  const change = at(x).sub(at(tf.zerosLike(x)));
  assertAllClose(attr.reshape([2, -1]).sum(1), change, { atol: 1e-4, rtol: 1e-4 });
});

Deno.test("`NeuronDeepLift.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  await assertNoLeak(() => new NeuronDeepLift(model, "add").attribute(x, sel));
});
