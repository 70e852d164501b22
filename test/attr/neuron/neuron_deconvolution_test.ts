import { NeuronDeconvolution, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { oneConvInput, oneConvNet, residualModel } from "../layer/_models.ts";

Deno.test("`NeuronDeconvolution.attribute()` matches Captum's one-conv net closed form", async () => {
  const attr = await new NeuronDeconvolution(oneConvNet(), "fc1").attribute(oneConvInput(), {
    neuronSelector: 3,
  });
  assertAllClose(attr, [2, 3, 3, 1, 3, 5, 5, 2, 3, 5, 5, 2, 1, 2, 2, 1]);
});

Deno.test("`NeuronDeconvolution.attribute()` leaks no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  await assertNoLeak(() => new NeuronDeconvolution(model, "add").attribute(x, sel));
});
