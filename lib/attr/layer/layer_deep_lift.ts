/**
 * DeepLift at a layer, as Captum's `LayerDeepLift`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type {
  ForwardArgsOptions,
  InputBaselineOptions,
  LayerInputOptions,
  TargetOptions,
} from "../options.ts";
import type { Baseline, Inputs } from "../types.ts";
import { type DeepLiftConfig, resolveDeepLiftConfig } from "../_utils/deep_lift_config.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import type { CallTap } from "./_call_tap.ts";
import type { LayerPathAttributions } from "./layer_attribution.ts";
import { resolveBaselines } from "../_utils/baselines.ts";
import { withGradientOverrides } from "../_utils/gradient_override.ts";
import { deepLiftOverrides } from "../_utils/relu_rules.ts";
import { DeferredError, targetGradient } from "../_utils/gradients.ts";
import { type CallTarget, expandTarget } from "../_utils/target.ts";
import { LayerPathAttribution } from "../_path_method.ts";
import type { MethodArguments } from "../_gradient_method.ts";
import { assertDeepLiftCovers } from "../_utils/deep_lift_coverage.ts";

/** Options of {@linkcode LayerDeepLift.attribute}. */
export interface LayerDeepLiftOptions
  extends TargetOptions, InputBaselineOptions, LayerInputOptions, ForwardArgsOptions {}

/**
 * DeepLift multipliers of the layer's activations, `[N, ...layer shape]`, for inputs paired
 * row by row with baselines. Call inside `tf.tidy`; returns the multipliers and the activation
 * difference A(x) − A(x′).
 */
export function layerDeepLiftParts(
  method: string,
  tap: CallTap,
  inputs: tf.Tensor,
  baselines: tf.Tensor,
  target: CallTarget | undefined,
  eps: number,
): { multipliers: tf.Tensor; diff: tf.Tensor } {
  const n = inputs.shape[0];
  const both = tf.concat([inputs, baselines], 0);
  // Both halves' targets, as Captum: a max-pooling rule routes the baselines' half too.
  const bothTargets = expandTarget(target, 2);
  const values = tap.layerValue(both, bothTargets);
  const rest = values.shape.slice(1);
  const begin = rest.map(() => 0);
  const size = rest.map(() => -1);
  const deferred = new DeferredError();
  const outputShape = tap.outputShape(2 * n);
  const grads = withGradientOverrides(
    deepLiftOverrides(method, eps, deferred.fail),
    () =>
      tap.gradient(
        values,
        both,
        bothTargets,
        (f, v) => targetGradient(method, f, v, bothTargets, outputShape),
      ),
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
  protected paths(inputs: Inputs, options: LayerDeepLiftOptions): LayerPathAttributions {
    const method = this.methodName;
    const call = this.layerCall(inputs, options, { baselines: "inputs" }, true);
    let baselines: tf.Tensor | undefined;
    try {
      const { tap, options: { target } } = call;
      assertDeepLiftCovers(method, tap.layersAfterTap);
      baselines = resolveBaselines(method, call.inputs, call.options.baselines as Baseline);
      const start = baselines;
      const attributions = tf.tidy(() => {
        const parts = layerDeepLiftParts(method, tap, call.inputs, start, target, this.eps);
        return this.multiplyByInputs ? parts.multipliers.mul(parts.diff) : parts.multipliers;
      });
      const endPoints = Array.isArray(inputs) ? call.inputs : undefined;
      return {
        attributions,
        baselines: start,
        endPoints,
        path: {
          call,
          dispose: () => {
            start.dispose();
            call.dispose();
          },
        },
      };
    } catch (error) {
      baselines?.dispose();
      call.dispose();
      throw error;
    }
  }
}
