/**
 * GradientShap at a layer, as Captum's `LayerGradientShap`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerInputOptions, SamplingOptions, TargetOptions } from "../options.ts";
import type { PathAttributions } from "../attribution.ts";
import type { AttributionWithDelta } from "../types.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { assertBaselineDistribution } from "../_utils/baselines.ts";
import { rowChunks } from "../_utils/batching.ts";
import { assertInteger, assertNumber } from "../_utils/errors.ts";
import { seededRandom } from "../_utils/random.ts";
import { repeatInterleave, repeatTarget } from "../_utils/repeat.ts";
import { sliceTarget } from "../_utils/target.ts";
import { LayerAttribution } from "./layer_attribution.ts";
import { layerGradients } from "./_layer_gradients.ts";

/** Constructor options of {@linkcode LayerGradientShap}. */
export interface LayerGradientShapConfig {
  /** Multiply the layer gradients by A(noisy inputs) − A(baselines). @default true */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode LayerGradientShap.attribute}. */
export interface LayerGradientShapOptions
  extends TargetOptions, SamplingOptions, LayerInputOptions {
  /** A distribution of baselines, rows `[B, ...input shape]` drawn uniformly with replacement. */
  baselines: tf.Tensor;
}

/**
 * GradientShap for a layer: per sample, a noisy input x̃, a random baseline row b and α ~ U(0, 1);
 * the contribution is ∂F/∂A(b + α(x̃ − b)) ⊙ (A(x̃) − A(b)); the result is the mean over samples,
 * in the layer's shape.
 *
 * @example
 * ```ts
 * import { LayerGradientShap, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new LayerGradientShap(model, "hidden").attribute(tf.tensor2d([[1, 2]]), {
 *   baselines: tf.zeros([4, 2]),
 * });
 * attr.print(); // [[3, 3]]
 * ```
 */
export class LayerGradientShap extends LayerAttribution {
  /** Whether gradients are multiplied by A(noisy inputs) − A(baselines). */
  readonly multiplyByInputs: boolean;

  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer one of its layers or the layer's name.
   * @param config see {@linkcode LayerGradientShapConfig}.
   */
  constructor(model: tf.LayersModel, layer: LayerRef, config: LayerGradientShapConfig = {}) {
    super(model, layer);
    this.multiplyByInputs = config.multiplyByInputs ?? true;
  }

  /** Attributions in the layer's shape; the caller owns the tensor. */
  attribute(inputs: tf.Tensor, options: LayerGradientShapOptions): Promise<tf.Tensor> {
    return this.settle(() => this.#samples(inputs, options));
  }

  /**
   * Attributions and Captum's convergence delta, one per sample (`[N · nSamples]`, example-major):
   * Σ contribution − (F(x̃)[t] − F(b)[t]). The caller owns both tensors.
   */
  attributeWithDelta(
    inputs: tf.Tensor,
    options: LayerGradientShapOptions,
  ): Promise<AttributionWithDelta> {
    return this.settleWithDelta(() => this.#samples(inputs, options), inputs, options?.target);
  }

  #samples(inputs: tf.Tensor, options: LayerGradientShapOptions): PathAttributions {
    const method = this.methodName;
    const {
      target,
      nSamples = 5,
      stdevs = 0,
      seed = 0,
      internalBatchSize,
      attributeToLayerInput = false,
    } = options ?? {};
    this.validateInputsAndTarget(inputs, target);
    assertBaselineDistribution(method, inputs, options?.baselines);
    assertInteger(method, "nSamples", nSamples);
    assertNumber(method, "stdevs", stdevs, 0);
    assertNumber(method, "seed", seed);
    const tap = this.tap(attributeToLayerInput);
    const rows = inputs.shape[0] * nSamples;
    const chunks = rowChunks(method, rows, internalBatchSize);
    const rowShape = inputs.shape.slice(1);
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    // The same draws, in the same order, as GradientShap.
    const random = seededRandom(seed);
    const noise = random.normals(rows * rowSize, stdevs);
    const numBaselines = options.baselines.shape[0];
    const picks = Int32Array.from({ length: rows }, () => random.int(numBaselines));
    const alphas = Float32Array.from({ length: rows }, () => random.uniform());
    return tf.tidy(() => {
      const noisy = repeatInterleave(inputs, nSamples).add(tf.tensor(noise, [rows, ...rowShape]));
      const baselines = tf.gather(options.baselines.toFloat(), tf.tensor1d(picks, "int32"));
      const targets = repeatTarget(target, nSamples);
      const parts = chunks.map(([start, end]) =>
        tf.tidy(() => {
          const size = end - start;
          const begin = [start, ...rowShape.map(() => 0)];
          const shape = [size, ...rowShape];
          const x = noisy.slice(begin, shape);
          const b = baselines.slice(begin, shape);
          const a = tf.tensor(alphas.subarray(start, end), [size, ...rowShape.map(() => 1)]);
          const t = sliceTarget(targets, start, size);
          const { grads } = layerGradients(method, tap, b.add(a.mul(x.sub(b))), t);
          if (!this.multiplyByInputs) return grads;
          return grads.mul(tap.layerValue(x).sub(tap.layerValue(b)));
        })
      );
      const attributions = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      return { attributions, baselines, endPoints: noisy, pathsPerExample: nSamples };
    });
  }
}
