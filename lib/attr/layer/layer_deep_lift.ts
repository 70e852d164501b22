/**
 * DeepLift at a layer, as Captum's `LayerDeepLift`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BaselineOptions, LayerInputOptions, TargetOptions } from "../options.ts";
import type { PathAttributions } from "../attribution.ts";
import type { Target } from "../types.ts";
import { type DeepLiftConfig, resolveDeepLiftConfig } from "../_utils/deep_lift_config.ts";
import type { LayerRef, LayerTap } from "../../models/layer_tap.ts";
import { resolveBaselines } from "../_utils/baselines.ts";
import { withGradientOverrides } from "../_utils/gradient_override.ts";
import { deepLiftOverrides } from "../_utils/relu_rules.ts";
import { DeferredError, targetObjective } from "../_utils/gradients.ts";
import { expandTarget } from "../_utils/target.ts";
import { LayerPathAttribution } from "../_path_method.ts";
import type { MethodArguments } from "../_gradient_method.ts";
import { assertDeepLiftCovers } from "../_utils/deep_lift_coverage.ts";

/** Options of {@linkcode LayerDeepLift.attribute}. */
export interface LayerDeepLiftOptions extends TargetOptions, BaselineOptions, LayerInputOptions {}

/**
 * DeepLift multipliers of the layer's activations, `[N, ...layer shape]`, for inputs paired
 * row by row with baselines. Call inside `tf.tidy`; returns the multipliers and the activation
 * difference A(x) − A(x′).
 */
export function layerDeepLiftParts(
  method: string,
  tap: LayerTap,
  inputs: tf.Tensor,
  baselines: tf.Tensor,
  target: Target | undefined,
  eps: number,
): { multipliers: tf.Tensor; diff: tf.Tensor } {
  const n = inputs.shape[0];
  const both = tf.concat([inputs, baselines], 0);
  const values = tap.layerValue(both);
  const rest = values.shape.slice(1);
  const begin = rest.map(() => 0);
  const size = rest.map(() => -1);
  const deferred = new DeferredError();
  // Both halves' targets, as Captum: a max-pooling rule routes the baselines' half too.
  const bothTargets = expandTarget(target, 2);
  const grads = withGradientOverrides(
    deepLiftOverrides(method, eps, deferred.fail),
    () =>
      tf.grad((a: tf.Tensor) =>
        targetObjective(method, tap.forwardFrom(a, both), bothTargets, deferred.fail)
      )(values),
  );
  deferred.rethrow();
  const multipliers = grads.slice([0, ...begin], [n, ...size]);
  const diff = values.slice([0, ...begin], [n, ...size]).sub(
    values.slice([n, ...begin], [n, ...size]),
  );
  return { multipliers, diff };
}

/**
 * DeepLift (Rescale rule) for a layer's activations: the model runs on the inputs and baselines
 * together; the nonlinearities after the layer pass Δout/Δin; the result is
 * (A(x) − A(x′)) ⊙ multipliers, in the layer's shape. On ReLU networks it sums to F(x) − F(x′).
 *
 * @example
 * ```ts
 * import { LayerDeepLift, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.reLU(),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new LayerDeepLift(model, "hidden").attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // [[3, 3]]
 * ```
 *
 * `attributeWithDelta()` adds the convergence delta Σ attributions − (F(x)[t] − F(x′)[t]) per
 * example. The caller owns the tensors returned.
 *
 * @typeParam Args what `attribute()` takes after the inputs (LayerDeepLiftShap's own options).
 */
export class LayerDeepLift<Args extends MethodArguments = [options?: LayerDeepLiftOptions]>
  extends LayerPathAttribution<Args> {
  /** Whether multipliers are multiplied by A(inputs) − A(baselines). */
  readonly multiplyByInputs: boolean;
  /** Below this |Δin| a nonlinearity passes its plain gradient. */
  readonly eps: number;

  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer one of its layers or the layer's name.
   * @param config `multiplyByInputs` (default true) and `eps` (default 1e-10), as DeepLift's.
   */
  constructor(model: tf.LayersModel, layer: LayerRef, config: DeepLiftConfig = {}) {
    super(model, layer);
    ({ multiplyByInputs: this.multiplyByInputs, eps: this.eps } = resolveDeepLiftConfig(
      this.methodName,
      config,
    ));
  }

  /** One path per example, from its baseline, in the layer's shape. */
  protected paths(inputs: tf.Tensor, options: LayerDeepLiftOptions): PathAttributions {
    const { target, attributeToLayerInput = false } = options;
    this.validateInputsAndTarget(inputs, target);
    const baselines = resolveBaselines(this.methodName, inputs, options.baselines);
    const tap = this.taps.tap(attributeToLayerInput);
    assertDeepLiftCovers(this.methodName, tap.layersAfterTap);
    try {
      const attributions = tf.tidy(() => {
        const { multipliers, diff } = layerDeepLiftParts(
          this.methodName,
          tap,
          inputs,
          baselines,
          target,
          this.eps,
        );
        return this.multiplyByInputs ? multipliers.mul(diff) : multipliers;
      });
      return { attributions, baselines };
    } catch (error) {
      baselines.dispose();
      throw error;
    }
  }
}
