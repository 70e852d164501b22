/**
 * `ExplainerFunction`: an explainer as the evaluation metrics that rebuild it call it.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/**
 * An explainer as a function of the model it explains: attributions for `inputs` (a tensor of the
 * inputs' shape, which the caller then owns) for the class `target[i]` of each example. The
 * randomization checks call it on randomized copies of the model, so it must build its explainer
 * from the `model` it receives, e.g.
 * `(model, x, target) => new IntegratedGradients(model).attribute(x, { target })`.
 * Layer methods upsample to the inputs' size (`LayerAttribution.interpolate`).
 */
export type ExplainerFunction = (
  model: tf.LayersModel,
  inputs: tf.Tensor,
  target: number[],
) => Promise<tf.Tensor>;
