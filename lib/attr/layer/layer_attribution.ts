/**
 * The base of every layer explainer, as Captum's `LayerAttribution`: a model, one of its layers,
 * and the static {@linkcode LayerAttribution.interpolate} that resizes a layer map to the input.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerTap } from "../../models/layer_tap.ts";
import type {
  BaselineOptions,
  IntegrationOptions,
  LayerInputOptions,
  TargetOptions,
} from "../options.ts";
import type { Target } from "../types.ts";
import { approximationParameters } from "../_utils/approximation.ts";
import { resolveBaselines } from "../_utils/baselines.ts";
import { stepChunks } from "../_utils/batching.ts";
import { type CallProgress, callProgress } from "../_utils/progress.ts";
import { rowCost } from "../_utils/memory_budget.ts";
import { attributionTypeError } from "../_utils/errors.ts";
import { assertOneOf } from "../_utils/errors.ts";
import { GradientAttribution } from "../attribution.ts";
import { withLayerTaps } from "./layer_taps.ts";

/** The options of the layer methods that integrate along the input path. */
export type LayerPathOptions =
  & TargetOptions
  & BaselineOptions
  & IntegrationOptions
  & LayerInputOptions;

/** What a path-integrating layer method works with, from {@linkcode LayerAttribution.pathSetup}. */
export interface LayerPath {
  target: Target | undefined;
  /** Points on [0, 1] and their weights. */
  alphas: number[];
  weights: number[];
  /** Examples in the batch. */
  n: number;
  /** Ranges of points evaluated per pass (`internalBatchSize`). */
  chunks: Array<[number, number]>;
  /** The resolved baselines, inputs' shape; the caller disposes them. */
  baselines: tf.Tensor;
  tap: LayerTap;
  /** The call's progress over the points (`showProgress`). */
  progress: CallProgress;
}

/** How {@linkcode LayerAttribution.interpolate} resamples, as PyTorch's `interpolate` modes. */
export type InterpolateMode = "nearest" | "bilinear";

/** All values of {@linkcode InterpolateMode}. */
export const INTERPOLATE_MODES: readonly InterpolateMode[] = ["nearest", "bilinear"];

/**
 * Explainers that attribute a model's output to the activations of one of its layers (or, with
 * `attributeToLayerInput`, to the layer's input). Results have the layer's shape, `[N, ...]`.
 *
 * @example
 * ```ts
 * import { LayerAttribution, tf } from "../../mod.ts";
 * const cam = tf.tensor4d([[[[1], [2]], [[3], [4]]]]); // [1, 2, 2, 1]
 * LayerAttribution.interpolate(cam, [4, 4]).print(); // each value repeated in a 2×2 block
 * ```
 */
export abstract class LayerAttribution extends withLayerTaps(GradientAttribution) {
  /**
   * Validate `inputs` and `options` and prepare a path integral over `points(nSteps)` points
   * (defaults as {@linkcode IntegrationOptions}): alphas, weights, chunks, baselines and the tap.
   */
  protected pathSetup(
    inputs: tf.Tensor,
    options: LayerPathOptions,
    points: (nSteps: number) => number = (nSteps) => nSteps,
  ): LayerPath {
    const method = this.methodName;
    const { target, nSteps = 50, method: approx = "gausslegendre", internalBatchSize } = options;
    this.validateInputsAndTarget(inputs, target);
    const { alphas, weights } = approximationParameters(method, approx, points(nSteps));
    const n = inputs.shape[0];
    const cost = rowCost(this.forward, inputs, "gradient");
    const chunks = stepChunks(method, points(nSteps), n, internalBatchSize, cost);
    const baselines = resolveBaselines(method, inputs, options.baselines);
    const tap = this.taps.tap(options.attributeToLayerInput ?? false);
    const progress = callProgress(options.showProgress, method, points(nSteps), "steps");
    return { target, alphas, weights, n, chunks, baselines, tap, progress };
  }

  /**
   * Resize a layer attribution `[N, h, w, c]` (NHWC) to `size` = `[height, width]`, as Captum's
   * `LayerAttribution.interpolate` (PyTorch's `interpolate` without corner alignment: "nearest"
   * takes the source pixel `floor(i · in / out)`, "bilinear" uses half-pixel centres).
   * Returns a new tensor; the caller owns it.
   *
   * @param attributions a 4-D NHWC tensor.
   * @param size the target `[height, width]`.
   * @param mode "nearest" (default) or "bilinear".
   * @throws {TypeError} when `attributions` is not 4-D or `size` is not two positive integers.
   */
  static interpolate(
    attributions: tf.Tensor,
    size: readonly [number, number] | readonly number[],
    mode: InterpolateMode = "nearest",
  ): tf.Tensor4D {
    const method = "LayerAttribution.interpolate";
    if (!(attributions instanceof tf.Tensor) || attributions.rank !== 4) {
      throw attributionTypeError(
        method,
        "attributions",
        "a 4-D NHWC tensor [N, h, w, c]",
        attributions,
        "Pass a layer attribution of a convolutional layer.",
      );
    }
    if (
      !Array.isArray(size) || size.length !== 2 ||
      !size.every((d) => Number.isInteger(d) && d > 0)
    ) {
      throw attributionTypeError(
        method,
        "size",
        "two positive integers [height, width]",
        size,
        "Pass the input's spatial size, e.g. [28, 28].",
      );
    }
    assertOneOf(method, "mode", mode, INTERPOLATE_MODES);
    const [h, w] = size as [number, number];
    const x = attributions as tf.Tensor4D;
    if (x.shape[1] === h && x.shape[2] === w) return x.clone();
    return mode === "nearest"
      ? tf.image.resizeNearestNeighbor(x, [h, w], false, false)
      : tf.image.resizeBilinear(x, [h, w], false, true);
  }
}
