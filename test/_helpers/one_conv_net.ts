/**
 * Captum's `BasicModel_ConvNet_One_Conv`, shared by the Deconvolution and GuidedBackprop tests.
 *
 * @module
 */
import { tf } from "../../lib/mod.ts";

/**
 * Captum's BasicModel_ConvNet_One_Conv, NHWC: conv 1→2 channels 3×3 all ones, bias [−50, −75],
 * ReLU, flatten in Captum's channel-first order (c, h, w), dense 8→1 with weights
 * [1,1,1,1,1,−1,−1,−1] and no bias, ReLU. Input 0..15 as a 4×4 image.
 */
export function oneConvNet(): (x: tf.Tensor) => tf.Tensor {
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

/** The model's input: 0..15 as one 4×4 single-channel image. */
export const oneConvImage = (): tf.Tensor => tf.range(0, 16).reshape([1, 4, 4, 1]).toFloat();
