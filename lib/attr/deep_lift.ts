/**
 * DeepLIFT with the Rescale rule (Shrikumar et al., 2017), as Captum's `DeepLift`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, InputBaselineOptions, TargetOptions } from "./options.ts";
import { PathAttribution } from "./_path_method.ts";
import type { MethodArguments } from "./_gradient_method.ts";
import { type DeepLiftConfig, resolveDeepLiftConfig } from "./_utils/deep_lift_config.ts";
import { assertDeepLiftCovers } from "./_utils/deep_lift_coverage.ts";
import { isLayersModel } from "./_utils/forward.ts";
import { modelGraph } from "../models/_model_graph.ts";
import type { ForwardFunction, ModelLike } from "./types.ts";
import type { CallSpec, PackedOptions } from "./_utils/multi_input.ts";
import { resolveBaselines } from "./_utils/baselines.ts";
import { deepLiftMultipliers } from "./_utils/deep_lift_multipliers.ts";

export type { DeepLiftConfig };

/** Options of {@linkcode DeepLift.attribute}. */
export interface DeepLiftOptions extends TargetOptions, InputBaselineOptions, ForwardArgsOptions {}

/**
 * DeepLift (Rescale rule): gradients in which every nonlinearity (ReLU, ReLU6, Sigmoid, Tanh, ELU,
 * LeakyReLU, Softplus; softmax with Captum's rule) passes `dy · Δout/Δin`, the change of its
 * output over the change of its input between the inputs and the baselines; linear and
 * convolutional layers pass the plain gradient. Result `(x − x′) ⊙ multipliers`. For ReLU networks
 * the attributions sum exactly to `F(x) − F(x′)`, also through max pooling (Captum's rule: each
 * half's output change against the cross maximum, routed to its argmax).
 *
 * @example
 * ```ts
 * import { DeepLift, tf } from "../mod.ts";
 * const w = tf.tensor2d([[2, 2]]);
 * const model = (x: tf.Tensor) => tf.relu(x.sub(tf.tensor2d([[0, 1.5]]))).mul(w).sum(1, true);
 * const attr = await new DeepLift(model).attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // [[2, 1]]
 * attr.dispose();
 * ```
 *
 * `attributeWithDelta()` adds Captum's convergence delta per example,
 * `Σ attributions − (F(x)[t] − F(x′)[t])` (≈ 0 for ReLU networks). Both methods throw a
 * `TypeError` for non-float inputs, inputs that do not fit the model, baselines that do not
 * broadcast, or a model output a class index cannot select, and a `RangeError` for a target out
 * of range. The caller owns the tensors returned.
 *
 * @example
 * ```ts
 * import { DeepLift, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => tf.relu(x).sum(1, true);
 * const { attributions, delta } = await new DeepLift(model).attributeWithDelta(tf.tensor2d([[1, -2]]));
 * delta.print(); // [0]
 * tf.dispose([attributions, delta]);
 * ```
 *
 * @typeParam Args what `attribute()` takes after the inputs (DeepLiftShap's own options there).
 */
export class DeepLift<Args extends MethodArguments = [options?: DeepLiftOptions]>
  extends PathAttribution<Args> {
  /** Whether attributions are multiplied by `(inputs − baselines)`. */
  readonly multiplyByInputs: boolean;
  /** Threshold on |Δinput| below which the plain gradient is used. */
  readonly eps: number;

  /**
   * @param model a `tf.LayersModel` or a forward function `(x) => y`.
   * @param config `{ multiplyByInputs, eps }`.
   */
  constructor(model: ModelLike, config: DeepLiftConfig = {}) {
    super(model);
    if (isLayersModel(model)) {
      assertDeepLiftCovers(this.methodName, modelGraph(model).steps.map((step) => step.layer));
    }
    ({ multiplyByInputs: this.multiplyByInputs, eps: this.eps } = resolveDeepLiftConfig(
      this.methodName,
      config,
    ));
  }

  /** One path per example, from its baseline: `[N, ...]` attributions. */
  protected get callSpec(): CallSpec {
    return { baselines: "inputs" };
  }

  protected paths(
    inputs: tf.Tensor,
    options: PackedOptions<DeepLiftOptions>,
    forward: ForwardFunction,
  ): { attributions: tf.Tensor; baselines: tf.Tensor } {
    const { target } = options;
    const baselines = resolveBaselines(this.methodName, inputs, options.baselines);
    try {
      const attributions = tf.tidy(() => {
        const m = deepLiftMultipliers(
          this.methodName,
          forward,
          inputs,
          baselines,
          target,
          this.eps,
        );
        return this.multiplyByInputs ? m.mul(inputs.sub(baselines)) : m;
      });
      return { attributions, baselines };
    } catch (error) {
      baselines.dispose();
      throw error;
    }
  }
}
