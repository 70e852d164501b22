/**
 * `edgeDetector`: a model-independent "explainer", the control of Adebayo et al.'s sanity checks.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { metricError } from "../attr/_utils/metric_errors.ts";
import type { ExplainerFunction } from "./explainer_function.ts";

/**
 * The Sobel gradient magnitude of each channel of NHWC images, in the inputs' shape. It ignores
 * the model and the target: it is the control Adebayo et al. (2018) put next to the attribution
 * methods, a map that looks like an explanation (it outlines the object) but cannot fail to pass
 * for any model. A method whose maps behave like it under model randomization does not explain
 * the model.
 *
 * Reference: J. Adebayo, J. Gilmer, M. Muelly, I. Goodfellow, M. Hardt, B. Kim, "Sanity Checks
 * for Saliency Maps", NeurIPS 2018.
 *
 * @example
 * ```ts
 * import { edgeDetector, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] })] });
 * const x = tf.tensor4d([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1], [1, 4, 4, 1]);
 * const edges = await edgeDetector(model, x, [0]);
 * edges.print(); // large along the vertical edge between columns 1 and 2
 * ```
 *
 * @throws {TypeError} for inputs that are not NHWC images.
 */
export const edgeDetector: ExplainerFunction = (_model, inputs) => {
  if (!(inputs instanceof tf.Tensor) || inputs.rank !== 4) {
    return Promise.reject(metricError(
      "edgeDetector",
      "inputs",
      "NHWC images [N, H, W, C]",
      inputs,
      "Pass a batch of images, e.g. [N, 28, 28, 1].",
    ));
  }
  return Promise.resolve(tf.tidy(() => {
    const c = inputs.shape[3]!;
    const gx = tf.tensor2d([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]);
    const kernel = (k: tf.Tensor2D) => k.reshape([3, 3, 1, 1]).tile([1, 1, c, 1]) as tf.Tensor4D;
    const x = inputs as tf.Tensor4D;
    const dx = tf.depthwiseConv2d(x, kernel(gx), 1, "same");
    const dy = tf.depthwiseConv2d(x, kernel(gx.transpose() as tf.Tensor2D), 1, "same");
    return dx.square().add(dy.square()).sqrt();
  }));
};
