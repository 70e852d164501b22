/**
 * DeepLiftShap at a layer, as Captum's `LayerDeepLiftShap`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerInputOptions, TargetOptions } from "../options.ts";
import { type DeepLiftConfig, resolveDeepLiftConfig } from "../_utils/deep_lift_config.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { assertBaselineDistribution } from "../_utils/baselines.ts";
import { rowChunks } from "../_utils/batching.ts";
import { repeatInterleave, repeatTarget, tileBatch } from "../_utils/repeat.ts";
import { sliceTarget } from "../_utils/target.ts";
import { LayerAttribution } from "./layer_attribution.ts";
import { assertDeepLiftCovers } from "../_utils/deep_lift_coverage.ts";
import { layerDeepLiftParts } from "./layer_deep_lift.ts";

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
 */
export class LayerDeepLiftShap extends LayerAttribution {
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

  /** Attributions in the layer's shape; the caller owns the tensor. */
  // deno-lint-ignore require-await
  async attribute(inputs: tf.Tensor, options: LayerDeepLiftShapOptions): Promise<tf.Tensor> {
    const method = this.methodName;
    const { target, internalBatchSize, attributeToLayerInput = false } = options ?? {};
    this.validateInputsAndTarget(inputs, target);
    assertBaselineDistribution(method, inputs, options?.baselines);
    const n = inputs.shape[0];
    const b = options.baselines.shape[0];
    const chunks = rowChunks(method, n * b, internalBatchSize);
    const tap = this.taps.tap(attributeToLayerInput);
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
      const all = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      return all.reshape([n, b, ...all.shape.slice(1)]).mean(1);
    });
  }
}
