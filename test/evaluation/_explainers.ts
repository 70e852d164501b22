/**
 * Explainers shared by the evaluation tests: one that ignores the model (an edge detector on the
 * input) and two that use it.
 */
import { IntegratedGradients, Saliency, tf } from "../../lib/mod.ts";
import type { ExplainerFunction } from "../../lib/mod.ts";

/** A Laplacian edge detector on the input: the same map whatever the model and class. */
export const edgeDetector: ExplainerFunction = (_model, x) =>
  Promise.resolve(tf.tidy(() => {
    const kernel = tf.tensor4d([-1, -1, -1, -1, 8, -1, -1, -1, -1], [3, 3, 1, 1]);
    return tf.conv2d(x as tf.Tensor4D, kernel, 1, "same");
  }));

/** Saliency for the given classes. */
export const saliency: ExplainerFunction = (model, x, target) =>
  new Saliency(model).attribute(x, { target });

/** Integrated Gradients (black baseline, 16 steps) for the given classes. */
export const integratedGradients: ExplainerFunction = (model, x, target) =>
  new IntegratedGradients(model).attribute(x, { target, nSteps: 16 });
