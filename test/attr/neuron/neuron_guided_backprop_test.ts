import assert from "node:assert/strict";
import { NeuronGuidedBackprop, tf } from "../../../lib/mod.ts";
import { GUIDED_RELU } from "../../../lib/attr/_utils/relu_rules.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../../fixtures/load_fixture.ts";
import { oneConvInput, oneConvNet, residualModel } from "../layer/_models.ts";

Deno.test("`NeuronGuidedBackprop.attribute()` matches Captum's one-conv net closed form", async () => {
  const attr = await new NeuronGuidedBackprop(oneConvNet(), "fc1").attribute(oneConvInput(), {
    neuronSelector: [3],
  });
  assertAllClose(attr, [0, 1, 1, 1, 1, 3, 3, 2, 1, 3, 3, 2, 1, 2, 2, 1]);
  assert.equal(tf.getGradient("Relu").gradFunc === GUIDED_RELU.gradFunc, false);
});

Deno.test("`NeuronGuidedBackprop.attribute()` restores the ReLU gradient after a throw", async () => {
  const fx = loadCaptumFixture();
  const x = fx.inputs.slice([0], [1]);
  // A throw inside an override leaves the plain ReLU gradient in place.
  const plain = tf.getGradient("Relu").gradFunc;
  await assert.rejects(
    () =>
      new NeuronGuidedBackprop(fx.model, "conv2").attribute(x, {
        neuronSelector: () => {
          throw new Error("boom");
        },
      }),
    /boom/,
  );
  assert.equal(tf.getGradient("Relu").gradFunc, plain);
});

Deno.test("`NeuronGuidedBackprop.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  await assertNoLeak(() => new NeuronGuidedBackprop(model, "add").attribute(x, sel));
});
