/**
 * Base classes shared by every explainer, named as Captum's: {@linkcode Attribution},
 * {@linkcode GradientAttribution} and {@linkcode PerturbationAttribution}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, ModelLike, Target } from "./types.ts";
import { assertFloatInputs, attributionTypeError } from "./_utils/errors.ts";
import { assertInputsFitModel, toForwardFunction } from "./_utils/forward.ts";
import { targetValues } from "./_utils/gradients.ts";
import { validateTarget } from "./_utils/target.ts";

/**
 * What every explainer has: the model it explains and `attribute()`.
 *
 * @example
 * ```ts
 * import { IntegratedGradients, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.square().sum(1, true); // F(x) = Σ x²
 * const ig = new IntegratedGradients(model);
 * const attr = await ig.attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // ≈ [[1, 4]]
 * ```
 */
export abstract class Attribution {
  /** The model as given to the constructor. */
  readonly model: ModelLike;
  /** The model as a differentiable forward function. */
  protected readonly forward: ForwardFunction;

  /** @param model a `tf.LayersModel` or a forward function `(x) => y`. */
  constructor(model: ModelLike) {
    this.model = model;
    this.forward = toForwardFunction(this.methodName, model);
  }

  /** The method's name as Captum spells it (the class name), used in error messages. */
  get methodName(): string {
    return this.constructor.name;
  }

  /**
   * Attributions for `inputs`, in the shape this method documents (the inputs' shape for primary
   * and neuron methods, the layer's for layer methods). The caller owns the returned tensor.
   */
  abstract attribute(inputs: tf.Tensor, options?: object): Promise<tf.Tensor>;

  /**
   * Validate `inputs` (float32, batch axis, the model's input shape) and `target` at the public
   * boundary, before any computation.
   */
  protected validateInputsAndTarget(inputs: unknown, target?: Target, what = "inputs"): tf.Tensor {
    assertFloatInputs(this.methodName, inputs, what);
    assertInputsFitModel(this.methodName, this.model, inputs, what);
    validateTarget(this.methodName, target, inputs.shape[0]);
    return inputs;
  }
}

/**
 * Explainers that use gradients. Adds Captum's convergence delta.
 *
 * @example
 * ```ts
 * import { IntegratedGradients, tf } from "../mod.ts";
 * const ig = new IntegratedGradients((x: tf.Tensor) => x.square().sum(1, true));
 * const x = tf.tensor2d([[1, 2]]);
 * const attr = await ig.attribute(x);
 * const delta = ig.computeConvergenceDelta(attr, tf.zerosLike(x), x);
 * delta.print(); // ≈ [0]
 * ```
 */
export abstract class GradientAttribution extends Attribution {
  /**
   * Per example: `Σ attributions − (F(endPoint)[target] − F(startPoint)[target])`, shape `[N]`.
   * A small delta means the attributions account for the change in output (completeness).
   *
   * @param attributions attributions of shape `[N, ...]`.
   * @param startPoint the baselines, `[N, ...]` (the inputs' shape).
   * @param endPoint the inputs, `[N, ...]`.
   * @param target the explained output, as given to `attribute()`.
   */
  computeConvergenceDelta(
    attributions: tf.Tensor,
    startPoint: tf.Tensor,
    endPoint: tf.Tensor,
    target?: Target,
  ): tf.Tensor1D {
    const method = this.methodName;
    if (attributions.shape[0] !== endPoint.shape[0] || startPoint.shape[0] !== endPoint.shape[0]) {
      throw attributionTypeError(
        method,
        "attributions, startPoint and endPoint",
        "tensors with the same batch size",
        [attributions, startPoint, endPoint],
        "Pass the attributions with the baselines and inputs they were computed from.",
      );
    }
    return tf.tidy(() => {
      const n = attributions.shape[0];
      const total = attributions.reshape([n, -1]).sum(1);
      const end = targetValues(method, this.forward, endPoint, target);
      const start = targetValues(method, this.forward, startPoint, target);
      return total.sub(end.sub(start)) as tf.Tensor1D;
    });
  }
}

/**
 * Explainers that perturb the inputs and watch the output change (no gradients).
 *
 * @example
 * ```ts
 * import { Occlusion, tf } from "../mod.ts";
 * const occlusion = new Occlusion((x: tf.Tensor) => x.sum(1, true));
 * const attr = await occlusion.attribute(tf.tensor2d([[1, 2, 3]]), { slidingWindowShapes: [1] });
 * attr.print(); // [[1, 2, 3]]
 * ```
 */
export abstract class PerturbationAttribution extends Attribution {}
