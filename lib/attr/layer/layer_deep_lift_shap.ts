/**
 * DeepLiftShap at a layer, as Captum's `LayerDeepLiftShap`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Inputs } from "../types.ts";
import type { LayerInputOptions } from "../options.ts";
import type { DeepLiftShapOptions } from "../deep_lift_shap.ts";
import { assertBaselineDistribution } from "../_utils/baselines.ts";
import { rowChunks } from "../_utils/batching.ts";
import { rowCost } from "../_utils/memory_budget.ts";
import { repeatInterleave, repeatTarget, tileBatch } from "../_utils/repeat.ts";
import { sliceTarget } from "../_utils/target.ts";
import { assertDeepLiftCovers } from "../_utils/deep_lift_coverage.ts";
import { LayerDeepLift, layerDeepLiftParts } from "./layer_deep_lift.ts";
import type { LayerPathAttributions } from "./layer_attribution.ts";

/**
 * Options of {@linkcode LayerDeepLiftShap.attribute}: DeepLiftShap's (`baselines` a distribution
 * per input for an array of inputs), and the layer's side.
 */
export interface LayerDeepLiftShapOptions extends DeepLiftShapOptions, LayerInputOptions {}

/**
 * {@linkcode LayerDeepLift} against every baseline row, averaged: `[N, ...layer shape]`. For a
 * model with several inputs, `attribute([a, b])` with a baseline distribution per input (same row
 * count); with `attributeToLayerInput` on a merge layer, one attribution per layer input.
 *
 * @example
 * ```ts
 * import { LayerDeepLiftShap, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.reLU(),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new LayerDeepLiftShap(model, "hidden").attribute(tf.tensor2d([[1, 2]]), {
 *   baselines: tf.zeros([2, 2]),
 * });
 * attr.print(); // [[3, 3]]
 * ```
 *
 * `attributeWithDelta()` adds the convergence delta, one per (example, baseline row) pair as
 * Captum returns it: shape `[N · B]`, example-major. The caller owns the tensors returned.
 *
 * @example
 * ```ts
 * import { LayerDeepLiftShap, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.reLU(),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const { attributions, delta } = await new LayerDeepLiftShap(model, "hidden").attributeWithDelta(
 *   tf.tensor2d([[1, 2]]),
 *   { baselines: tf.tensor2d([[0, 0], [1, 0]]) },
 * );
 * delta.print(); // [0, 0]
 * tf.dispose([attributions, delta]);
 * ```
 */
export class LayerDeepLiftShap extends LayerDeepLift<[options: LayerDeepLiftShapOptions]> {
  /**
   * Per-pair layer attributions `[N·B, ...]` (packed for a layer value of several tensors) with
   * the expanded (packed) inputs and baselines.
   */
  protected override paths(
    inputs: Inputs,
    options: LayerDeepLiftShapOptions,
  ): LayerPathAttributions {
    const method = this.methodName;
    const call = this.layerCall(inputs, options, { baselines: "distribution" }, true);
    try {
      const { tap, n, options: { target, internalBatchSize, baselines } } = call;
      assertBaselineDistribution(method, call.inputs, baselines);
      assertDeepLiftCovers(method, tap.layersAfterTap);
      const b = baselines.shape[0];
      const cost = rowCost(call.forward, call.inputs, "gradient", 2);
      const chunks = rowChunks(method, n * b, internalBatchSize, cost);
      const parts = tf.tidy(() => {
        // Example-major pairs: example i with every baseline row, as Captum's DeepLiftShap; a
        // target that knows the rows' examples expands the extra arguments the same way.
        const xs = repeatInterleave(call.inputs, b);
        const bs = tileBatch(baselines.toFloat(), n);
        const targets = repeatTarget(target, b);
        const rowShape = call.inputs.shape.slice(1);
        const pairs = chunks.map(([start, end]) =>
          tf.tidy(() => {
            const begin = [start, ...rowShape.map(() => 0)];
            const size = [end - start, ...rowShape.map(() => -1)];
            const { multipliers, diff } = layerDeepLiftParts(
              method,
              tap,
              xs.slice(begin, size),
              bs.slice(begin, size),
              sliceTarget(targets, start, end - start),
              this.eps,
            );
            return this.multiplyByInputs ? multipliers.mul(diff) : multipliers;
          })
        );
        const attributions = pairs.length === 1 ? pairs[0] : tf.concat(pairs, 0);
        return { attributions, baselines: bs, endPoints: xs };
      });
      return { ...parts, pathsPerExample: b, path: { call, dispose: () => call.dispose() } };
    } catch (error) {
      call.dispose();
      throw error;
    }
  }
}
