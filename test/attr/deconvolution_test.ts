import assert from "node:assert/strict";
import { Deconvolution, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";
import { oneConvImage, oneConvNet } from "../_helpers/one_conv_net.ts";

Deno.test("`Deconvolution.attribute()` matches Captum's one-conv closed form", async () => {
  const x = oneConvImage();
  const attr = await new Deconvolution(oneConvNet()).attribute(x, { target: 0 });
  assertAllClose(attr, [[2, 3, 3, 1], [3, 5, 5, 2], [3, 5, 5, 2], [1, 2, 2, 1]], { atol: 1e-6 });
  tf.dispose([x, attr]);
});

Deno.test("`Deconvolution.attribute()` leaks nothing and restores the Relu gradient", async () => {
  const original = tf.getGradient("Relu");
  const x = oneConvImage();
  const deconvolution = new Deconvolution(oneConvNet());
  await assertNoLeak(() => deconvolution.attribute(x, { target: 0 }));
  assert.equal(tf.getGradient("Relu"), original);
  x.dispose();
});
