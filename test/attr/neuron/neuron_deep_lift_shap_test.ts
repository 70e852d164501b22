import { NeuronDeepLift, NeuronDeepLiftShap, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../../fixtures/load_fixture.ts";
import { residualModel } from "../layer/_models.ts";

Deno.test("`NeuronDeepLiftShap.attribute()` is the mean of NeuronDeepLift over baseline rows (tutorial CNN, conv2)", async () => {
  const fx = loadCaptumFixture();
  const x = fx.inputs;
  const ndl = new NeuronDeepLift(fx.model, "conv2");
  const attr = await ndl.attribute(x, { neuronSelector: [15, 15, 15] });
  // DeepLiftShap over one baseline row equals DeepLift; over two, their mean.
  const b1 = tf.zeros([1, 28, 28, 1]);
  const b2 = tf.fill([1, 28, 28, 1], 0.2);
  const shap = await new NeuronDeepLiftShap(fx.model, "conv2").attribute(x, {
    neuronSelector: [15, 15, 15],
    baselines: tf.concat([b1, b2]),
  });
  const other = await ndl.attribute(x, { neuronSelector: [15, 15, 15], baselines: b2 });
  assertAllClose(shap, attr.add(other).div(2), { atol: 1e-5, rtol: 1e-4 });
});

Deno.test("`NeuronDeepLiftShap.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  const b = tf.zeros([2, 5, 5, 2]);
  await assertNoLeak(() =>
    new NeuronDeepLiftShap(model, "add").attribute(x, { ...sel, baselines: b })
  );
});
