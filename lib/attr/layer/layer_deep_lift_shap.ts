/**
 * DeepLiftShap at a layer, as Captum's `LayerDeepLiftShap`.
 *
 * @module
 */
import { CallTap } from "./_call_tap.ts";
import * as tf from "@tensorflow/tfjs";
import type { Inputs } from "../types.ts";
import type { LayerInputOptions, TargetOptions } from "../options.ts";
import { assertBaselineDistribution } from "../_utils/baselines.ts";
import { rowChunks } from "../_utils/batching.ts";
import { rowCost } from "../_utils/memory_budget.ts";
import { repeatInterleave, repeatTarget, tileBatch } from "../_utils/repeat.ts";
import { sliceTarget } from "../_utils/target.ts";
import { assertDeepLiftCovers } from "../_utils/deep_lift_coverage.ts";
import { LayerDeepLift, layerDeepLiftParts } from "./layer_deep_lift.ts";
import type { PathAttributions } from "../attribution.ts";

/** Options of {@linkcode LayerDeepLiftShap.attribute}. */
export interface LayerDeepLiftShapOptions extends TargetOptions, LayerInputOptions {
  /** A distribution of baselines, rows `[B, ...input shape]`; DeepLift is averaged over them. */
  baselines: tf.Tensor;
  /** Most rows (examples × baselines) evaluated at once. @default undefined (all at once) */
  internalBatchSize?: number;
}

/**
 * {@linkcode LayerDeepLift} against every baseline row, averaged: `[N, ...layer shape]`.
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
  /** Per-pair layer attributions `[N·B, ...]` with the expanded inputs and baselines. */
  protected override paths(inputs: Inputs, options: LayerDeepLiftShapOptions): PathAttributions {
    this.assertOneInput(inputs);
    const method = this.methodName;
    const { target, internalBatchSize, attributeToLayerInput = false } = options ?? {};
    this.validateInputsAndTarget(inputs, target);
    assertBaselineDistribution(method, inputs, options?.baselines);
    const n = inputs.shape[0];
    const b = options.baselines.shape[0];
    const cost = rowCost(this.forward, inputs, "gradient", 2);
    const chunks = rowChunks(method, n * b, internalBatchSize, cost);
    const tap = new CallTap(this.taps.tap(attributeToLayerInput));
    assertDeepLiftCovers(this.methodName, tap.layersAfterTap);
    return tf.tidy(() => {
      // Example-major pairs: example i with every baseline row, as Captum's DeepLiftShap.
      const xs = repeatInterleave(inputs, b);
      const bs = tileBatch(options.baselines.toFloat(), n);
      const targets = repeatTarget(target, b);
      const rowShape = inputs.shape.slice(1);
      const parts = chunks.map(([start, end]) =>
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
      const attributions = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      return { attributions, baselines: bs, endPoints: xs, pathsPerExample: b };
    });
  }
}
