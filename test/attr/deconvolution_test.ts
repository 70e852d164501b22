import assert from "node:assert/strict";
import { Deconvolution, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/**
 * Captum's BasicModel_ConvNet_One_Conv, NHWC: conv 1→2 channels 3×3 all ones, bias [−50, −75],
 * ReLU, flatten in Captum's channel-first order (c, h, w), dense 8→1 with weights
 * [1,1,1,1,1,−1,−1,−1] and no bias, ReLU. Input 0..15 as a 4×4 image.
 */
function oneConvNet(): (x: tf.Tensor) => tf.Tensor {
  const kernel = tf.ones([3, 3, 1, 2]);
  const bias = tf.tensor1d([-50, -75]);
  const dense = tf.tensor2d([1, 1, 1, 1, 1, -1, -1, -1], [8, 1]);
  return (x: tf.Tensor) =>
    tf.tidy(() => {
      const conv = tf.relu(
        tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, "valid").add(bias),
      );
      const chw = conv.transpose([0, 3, 1, 2]).reshape([-1, 8]); // Captum's flatten order
      return tf.relu(chw.matMul(dense));
    });
}
const image = () => tf.range(0, 16).reshape([1, 4, 4, 1]).toFloat();

Deno.test("`Deconvolution.attribute()` matches Captum's one-conv closed form", async () => {
  const x = image();
  const attr = await new Deconvolution(oneConvNet()).attribute(x, { target: 0 });
  assertAllClose(attr, [[2, 3, 3, 1], [3, 5, 5, 2], [3, 5, 5, 2], [1, 2, 2, 1]], { atol: 1e-6 });
  tf.dispose([x, attr]);
});

Deno.test("`Deconvolution.attribute()` leaks nothing and restores the Relu gradient", async () => {
  const original = tf.getGradient("Relu");
  const x = image();
  const deconvolution = new Deconvolution(oneConvNet());
  await assertNoLeak(() => deconvolution.attribute(x, { target: 0 }));
  assert.equal(tf.getGradient("Relu"), original);
  x.dispose();
});
