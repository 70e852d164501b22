/**
 * Integrated Gradients (Sundararajan et al., 2017), as Captum's `IntegratedGradients`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type {
  ForwardArgsOptions,
  InputBaselineOptions,
  IntegrationOptions,
  TargetOptions,
} from "./options.ts";
import { PathAttribution } from "./_path_method.ts";
import type { ForwardFunction, ModelLike } from "./types.ts";
import type { CallSpec, PackedOptions } from "./_utils/multi_input.ts";
import { approximationParameters } from "./_utils/approximation.ts";
import { resolveBaselines } from "./_utils/baselines.ts";
import { stepChunks } from "./_utils/batching.ts";
import { rowCost } from "./_utils/memory_budget.ts";
import { callProgress } from "./_utils/progress.ts";
import { integratePath } from "./attribution_workers.ts";
import { affineEntry } from "./_utils/affine_entry.ts";
import { isLayersModel, isModelForward } from "./_utils/forward.ts";

/** Constructor options of {@linkcode IntegratedGradients}. */
export interface IntegratedGradientsConfig {
  /**
   * Multiply the path-integrated gradients by `(inputs − baselines)` (global attribution). When
   * false, return the integrated gradients alone (Captum's "local" attribution).
   * @default true
   */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode IntegratedGradients.attribute}. */
export interface IntegratedGradientsOptions
  extends TargetOptions, InputBaselineOptions, IntegrationOptions, ForwardArgsOptions {}

/**
 * Integrated Gradients: `(x − x′) ⊙ Σₖ wₖ ∇F(x′ + αₖ(x − x′))`, the path integral of the gradient
 * from the baselines `x′` to the inputs `x`. Attributions sum to `F(x) − F(x′)` (completeness) up
 * to the approximation error; {@linkcode IntegratedGradients.attributeWithDelta} reports it.
 *
 * @example
 * ```ts
 * import { IntegratedGradients, tf } from "../mod.ts";
 * const ig = new IntegratedGradients((x: tf.Tensor) => x.square().sum(1, true)); // F = Σ x²
 * const attr = await ig.attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // ≈ [[1, 4]]
 * attr.dispose();
 * ```
 *
 * @example Several inputs (Captum's tuple): an array in, one attribution per input out
 * ```ts
 * import { IntegratedGradients, tf } from "../mod.ts";
 * // F(image, features, scale) = scale · (Σ image² + Σ features); scale is passed, not attributed.
 * const model = (image: tf.Tensor, features: tf.Tensor, scale: tf.Tensor) =>
 *   image.square().sum([1, 2, 3]).add(features.sum(1)).mul(scale);
 * const image = tf.ones([2, 2, 2, 1]);
 * const features = tf.tensor2d([[1, 2], [3, 4]]);
 * const [attrImage, attrFeatures] = await new IntegratedGradients(model).attribute(
 *   [image, features],
 *   { baselines: [0, tf.zeros([1, 2])], additionalForwardArgs: [tf.tensor1d([1, 10])] },
 * );
 * console.log(attrImage.shape); // [2, 2, 2, 1]: ≈ 1 per pixel for example 0, ≈ 10 for example 1
 * attrFeatures.print(); // ≈ [[1, 2], [30, 40]]
 * ```
 *
 * Both methods take one tensor or an array of inputs (per-input `baselines`;
 * `additionalForwardArgs` passed to the model, expanded along the steps) and throw a `TypeError`
 * for non-float inputs, inputs that do not fit the model, baselines that do not broadcast, or a
 * model output a class index cannot select, and a `RangeError` for `nSteps < 1`, an unknown
 * `method`, or a target out of range. The caller owns the tensors returned.
 *
 * On a `tf.LayersModel` with one input, three shortcuts compute the same integral with less work
 * (results differ by float rounding only): when the input enters one affine layer (a convolution
 * or dense layer without activation), the steps are taken in that layer's output space and its
 * transpose is applied once per example (`_utils/affine_entry.ts`); when the output is a linear
 * `Dense` layer, class-index gradients start at its input from the kernel's column
 * (`_utils/affine_exit.ts`); and once a call has taken 0.5 s or more, a worker thread starts in
 * the background and later calls share their steps with it ({@linkcode setAttributionWorkers}).
 *
 * @example
 * ```ts
 * import { IntegratedGradients, tf } from "../mod.ts";
 * const ig = new IntegratedGradients((x: tf.Tensor) => x.square().sum(1, true));
 * const { attributions, delta } = await ig.attributeWithDelta(tf.tensor2d([[1, 2]]));
 * delta.print(); // ≈ [0]
 * tf.dispose([attributions, delta]);
 * ```
 */
export class IntegratedGradients extends PathAttribution<[options?: IntegratedGradientsOptions]> {
  /** Whether attributions are multiplied by `(inputs − baselines)`. */
  readonly multiplyByInputs: boolean;

  /**
   * @param model a `tf.LayersModel` or a forward function `(x) => y`.
   * @param config `{ multiplyByInputs }`.
   */
  constructor(model: ModelLike, config: IntegratedGradientsConfig = {}) {
    super(model);
    this.multiplyByInputs = config.multiplyByInputs ?? true;
  }

  /** One path per example, from its baseline: `[N, ...]` attributions. */
  protected get callSpec(): CallSpec {
    return { baselines: "inputs" };
  }

  protected async paths(
    inputs: tf.Tensor,
    options: PackedOptions<IntegratedGradientsOptions>,
    forward: ForwardFunction,
  ): Promise<{ attributions: tf.Tensor; baselines: tf.Tensor }> {
    const name = this.methodName;
    const { target, nSteps = 50, method = "gausslegendre", internalBatchSize } = options;
    const { alphas, weights } = approximationParameters(name, method, nSteps);
    const cost = rowCost(forward, inputs, "gradient");
    const chunks = stepChunks(name, nSteps, inputs.shape[0], internalBatchSize, cost);
    const baselines = resolveBaselines(name, inputs, options.baselines);
    const diff = tf.tidy(() => inputs.sub(baselines));
    const model = this.model;
    const entry = isLayersModel(model) && isModelForward(model, forward)
      ? affineEntry(model)
      : undefined;
    let total: tf.Tensor | undefined;
    try {
      total = await integratePath({
        method: name,
        model,
        forward,
        entry,
        start: baselines,
        diff,
        steps: { alphas, weights, stepsPerChunk: chunks[0][1] - chunks[0][0] },
        target,
        progress: callProgress(options.showProgress, name, nSteps, "steps"),
      });
      const integrated = total;
      const attributions = tf.tidy(() =>
        this.multiplyByInputs ? integrated.mul(diff) : integrated.clone()
      );
      return { attributions, baselines };
    } catch (error) {
      baselines.dispose();
      throw error;
    } finally {
      tf.dispose([diff, total!]);
    }
  }
}
