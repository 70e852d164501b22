/**
 * The base of every layer explainer, as Captum's `LayerAttribution`: a model, one of its layers,
 * and the static {@linkcode LayerAttribution.interpolate} that resizes a layer map to the input.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { CallTap } from "./_call_tap.ts";
import type {
  ForwardArgsOptions,
  InputBaselineOptions,
  IntegrationOptions,
  LayerInputOptions,
  TargetOptions,
} from "../options.ts";
import type {
  AttributionWithDelta,
  Baseline,
  ForwardFunction,
  Inputs,
  PerInput,
} from "../types.ts";
import type { CallTarget } from "../_utils/target.ts";
import { approximationParameters } from "../_utils/approximation.ts";
import { resolveBaselines } from "../_utils/baselines.ts";
import { stepChunks } from "../_utils/batching.ts";
import { type CallProgress, callProgress } from "../_utils/progress.ts";
import { rowCost } from "../_utils/memory_budget.ts";
import { attributionRangeError, attributionTypeError } from "../_utils/errors.ts";
import { assertOneOf } from "../_utils/errors.ts";
import { GradientAttribution, type PathAttributions } from "../attribution.ts";
import { type LayerCall, withLayerTaps } from "./layer_taps.ts";

export type { LayerAttributions } from "../types.ts";

/**
 * The options of the layer methods that integrate along the input path (InternalInfluence,
 * LayerConductance, LayerIntegratedGradients), per input for an array of inputs.
 */
export interface LayerPathOptions
  extends
    TargetOptions,
    InputBaselineOptions,
    IntegrationOptions,
    LayerInputOptions,
    ForwardArgsOptions {
  /**
   * Reference inputs where the input path starts: a number, a tensor of the inputs' shape, or one
   * with batch size 1; for an array of inputs, one per input.
   * @default 0
   */
  baselines?: PerInput<Baseline>;
}

/**
 * What a path-integrating layer method works with, from {@linkcode LayerAttribution.pathCall}:
 * the call (inputs packed for an array) and the path's points, chunks and baselines.
 */
export interface LayerPathCall {
  /** The call: `inputs` (packed for an array), the target (`options.target`) and the tap. */
  call: LayerCall<LayerPathOptions>;
  /** Points on [0, 1] and their weights. */
  alphas: number[];
  weights: number[];
  /** Ranges of points evaluated per pass (`internalBatchSize`). */
  chunks: Array<[number, number]>;
  /** The resolved baselines, the (packed) inputs' shape. */
  baselines: tf.Tensor;
  /** The call's progress over the points (`showProgress`). */
  progress: CallProgress;
  /** Dispose the baselines and the call. */
  dispose(): void;
}

/**
 * What a layer path method's `paths()` computes on its {@linkcode LayerPathCall}: the paths on the
 * call's (packed) tensors, and the call, which {@linkcode LayerAttribution.settle} splits the
 * result with and disposes.
 */
export interface LayerPathAttributions extends PathAttributions {
  /** The call the paths were computed on (a {@linkcode LayerPathCall} or the like). */
  path?: LayerCallHandle;
}

/** A layer call and what disposes it with what was made for it. */
export interface LayerCallHandle {
  /**
   * The call: its tap splits results per layer tensor, its forward runs the (packed) inputs, its
   * target knows each row's example (for the extra arguments).
   */
  call: { tap: CallTap; forward: ForwardFunction; options: { target?: CallTarget } };
  /** Dispose the call and what was made for it. */
  dispose(): void;
}

/**
 * The paths' ends of a {@linkcode LayerPathCall} for {@linkcode LayerPathAttributions}: the
 * baselines, the packed inputs as the end points when `inputs` is an array (the convergence delta
 * runs on them), and the call.
 */
export function pathEnds(
  path: LayerPathCall,
  inputs: Inputs,
): Pick<LayerPathAttributions, "baselines" | "endPoints" | "path"> {
  const endPoints = Array.isArray(inputs) ? path.call.inputs : undefined;
  return { baselines: path.baselines, endPoints, path };
}

/**
 * How {@linkcode LayerAttribution.interpolate} resamples, as PyTorch's `interpolate` modes (without
 * corner alignment): "nearest", "linear" (3-D maps), "bilinear" and "bicubic" (4-D maps), "area"
 * (adaptive average pooling, both).
 */
export type InterpolateMode = "nearest" | "linear" | "bilinear" | "bicubic" | "area";

/** All values of {@linkcode InterpolateMode}. */
export const INTERPOLATE_MODES: readonly InterpolateMode[] = [
  "nearest",
  "linear",
  "bilinear",
  "bicubic",
  "area",
];

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
   * As `GradientAttribution.settle`, then the result split per layer tensor and the call disposed
   * when `compute` ran on a {@linkcode LayerPathCall} (see {@linkcode LayerPathAttributions}).
   */
  protected override async settle(
    compute: () => LayerPathAttributions | Promise<LayerPathAttributions>,
  ): Promise<tf.Tensor> {
    let path: LayerCallHandle | undefined;
    try {
      const result = await super.settle(async () => {
        const parts = await compute();
        path = parts.path;
        return parts;
      });
      return (path === undefined ? result : path.call.tap.finish(result)) as tf.Tensor;
    } finally {
      (path as LayerCallHandle | undefined)?.dispose();
    }
  }

  /**
   * As `GradientAttribution.settleWithDelta`, the delta through the call's forward function and
   * target (which expands the extra arguments to every path's rows) when `compute` ran on a
   * {@linkcode LayerPathCall}, then the attributions split per layer tensor and the call disposed.
   */
  protected override async settleWithDelta(
    compute: () => LayerPathAttributions | Promise<LayerPathAttributions>,
    inputs: tf.Tensor,
    target: CallTarget | undefined,
    forward: ForwardFunction = this.forward,
  ): Promise<AttributionWithDelta> {
    const parts = await compute();
    const path = parts.path;
    try {
      const call = path?.call;
      const { attributions, delta } = await super.settleWithDelta(
        () => parts,
        inputs,
        call === undefined ? target : call.options.target,
        call?.forward ?? forward,
      );
      if (call === undefined) return { attributions, delta };
      return { attributions: call.tap.finish(attributions) as tf.Tensor, delta };
    } finally {
      path?.dispose();
    }
  }

  /**
   * Validate a call (see `layerCall()`: one tensor or an array of inputs, per-input baselines,
   * `additionalForwardArgs`) and prepare a path integral over `points(nSteps)` points (defaults
   * as {@linkcode IntegrationOptions}). A layer value of several tensors is refused unless
   * `several`. The caller disposes the result.
   */
  protected pathCall(
    inputs: Inputs,
    options: LayerPathOptions,
    points: (nSteps: number) => number = (nSteps) => nSteps,
    several = false,
  ): LayerPathCall {
    const method = this.methodName;
    const { nSteps = 50, method: approx = "gausslegendre", internalBatchSize } = options;
    const call = this.layerCall(inputs, options, { baselines: "inputs" }, several);
    try {
      const { alphas, weights } = approximationParameters(method, approx, points(nSteps));
      const cost = rowCost(call.forward, call.inputs, "gradient");
      const chunks = stepChunks(method, points(nSteps), call.n, internalBatchSize, cost);
      const baselines = resolveBaselines(
        method,
        call.inputs,
        call.options.baselines as Baseline | undefined,
      );
      const progress = callProgress(options.showProgress, method, points(nSteps), "steps");
      return {
        call,
        alphas,
        weights,
        chunks,
        baselines,
        progress,
        dispose: () => {
          baselines.dispose();
          call.dispose();
        },
      };
    } catch (error) {
      call.dispose();
      throw error;
    }
  }

  /**
   * Resize a layer attribution to `size`, as Captum's `LayerAttribution.interpolate` (PyTorch's
   * `interpolate` with `align_corners=False`): a 4-D NHWC map `[N, h, w, c]` to
   * `size = [height, width]` ("nearest", "bilinear", "bicubic" or "area"), or a 3-D map
   * `[N, l, c]` to `size = [length]` ("nearest", "linear" or "area"). "nearest" takes the source
   * element `floor(i · in / out)`; "linear", "bilinear" and "bicubic" use half-pixel centres
   * (bicubic: Keys' kernel with A = −0.75, borders repeated); "area" averages the source window
   * `[floor(i · in / out), ceil((i + 1) · in / out))`, as adaptive average pooling.
   * Returns a new tensor; the caller owns it.
   *
   * @param attributions a 4-D NHWC or 3-D NLC tensor.
   * @param size the target spatial size: `[height, width]` for 4-D maps, `[length]` for 3-D.
   * @param mode "nearest" (default), "linear", "bilinear", "bicubic" or "area".
   * @throws {TypeError} when `attributions` is not 3-D or 4-D or `size` does not give one positive
   *   integer per spatial axis.
   * @throws {RangeError} for an unknown `mode` or one PyTorch refuses for the map's rank.
   */
  static interpolate<T extends tf.Tensor>(
    attributions: T,
    size: readonly number[],
    mode: InterpolateMode = "nearest",
  ): T {
    const method = "LayerAttribution.interpolate";
    if (
      !(attributions instanceof tf.Tensor) || (attributions.rank !== 4 && attributions.rank !== 3)
    ) {
      throw attributionTypeError(
        method,
        "attributions",
        "a 4-D NHWC tensor [N, h, w, c] or a 3-D tensor [N, l, c]",
        attributions,
        "Pass a layer attribution of a convolutional layer.",
      );
    }
    const rank = attributions.rank;
    const spatial = rank === 4
      ? "two positive integers [height, width]"
      : "one positive integer [length]";
    if (
      !Array.isArray(size) || size.length !== rank - 2 ||
      !size.every((d) => Number.isInteger(d) && d > 0)
    ) {
      throw attributionTypeError(
        method,
        "size",
        spatial,
        size,
        rank === 4
          ? "Pass the input's spatial size, e.g. [28, 28]."
          : "Pass the input's length, e.g. [100].",
      );
    }
    assertOneOf(method, "mode", mode, INTERPOLATE_MODES);
    const allowed = rank === 4 ? IMAGE_INTERPOLATE_MODES : MODES_3D;
    if (!allowed.includes(mode)) {
      throw attributionRangeError(
        method,
        "mode",
        `one of ${
          allowed.map((m) => `"${m}"`).join(", ")
        } for a ${rank}-D map (as PyTorch's interpolate)`,
        mode,
        rank === 4 ? 'Use "bilinear" for a 4-D map.' : 'Use "linear" for a 3-D map.',
      );
    }
    return tf.tidy(() => {
      const x4 = (rank === 4 ? attributions : attributions.expandDims(2)) as tf.Tensor4D;
      const [h, w] = rank === 4 ? size as [number, number] : [size[0], 1];
      const out = resize4d(x4, h, w, mode);
      return (rank === 4 ? out : out.squeeze([2])) as T;
    });
  }
}

/** The modes PyTorch's `interpolate` accepts for a 4-D (image) map. */
export const IMAGE_INTERPOLATE_MODES: readonly InterpolateMode[] = [
  "nearest",
  "bilinear",
  "bicubic",
  "area",
];
/** The modes PyTorch's `interpolate` accepts for a 3-D map. */
const MODES_3D: readonly InterpolateMode[] = ["nearest", "linear", "area"];

/** Resize NHWC `x` to `[h, w]` (inside a tidy). */
function resize4d(x: tf.Tensor4D, h: number, w: number, mode: InterpolateMode): tf.Tensor4D {
  const [, inH, inW] = x.shape;
  if (inH === h && inW === w) return x.clone();
  if (mode === "nearest") return tf.image.resizeNearestNeighbor(x, [h, w], false, false);
  if (mode === "bilinear" || mode === "linear") {
    return tf.image.resizeBilinear(x, [h, w], false, true);
  }
  // Bicubic and area are separable: resample the rows, then the columns, by a weight matrix.
  let y = x;
  if (inH !== h) y = resampleAxis(y, 1, resampleMatrix(mode, inH, h));
  if (inW !== w) y = resampleAxis(y, 2, resampleMatrix(mode, inW, w));
  return y;
}

/** `x` with spatial axis `axis` (1 or 2) mapped through `weights` `[out, in]`. */
function resampleAxis(x: tf.Tensor4D, axis: 1 | 2, weights: tf.Tensor2D): tf.Tensor4D {
  // Move the axis last, multiply by weightsᵀ, move it back.
  const perm = axis === 1 ? [0, 2, 3, 1] : [0, 1, 3, 2];
  const moved = x.transpose(perm);
  const [a, b, c, len] = moved.shape;
  const out = weights.shape[0];
  const y = moved.reshape([a * b * c, len]).matMul(weights, false, true).reshape([a, b, c, out]);
  return y.transpose(axis === 1 ? [0, 3, 1, 2] : [0, 1, 3, 2]) as tf.Tensor4D;
}

/** PyTorch's bicubic convolution constant. */
const CUBIC_A = -0.75;

/** The `[out, in]` weights of one axis for "bicubic" or "area", as PyTorch computes them. */
function resampleMatrix(mode: InterpolateMode, inSize: number, outSize: number): tf.Tensor2D {
  const m = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const row = i * inSize;
    if (mode === "area") {
      // Adaptive average pooling's window, in integer arithmetic.
      const start = Math.floor((i * inSize) / outSize);
      const end = Math.ceil(((i + 1) * inSize) / outSize);
      for (let k = start; k < end; k++) m[row + k] += 1 / (end - start);
    } else {
      // Half-pixel source coordinate, not clamped (cubic), then 4 taps with clamped indices.
      const src = (i + 0.5) * scale - 0.5;
      const i0 = Math.floor(src);
      const t = src - i0;
      const coeffs = cubicCoefficients(t);
      for (let k = 0; k < 4; k++) {
        const j = Math.min(Math.max(i0 - 1 + k, 0), inSize - 1);
        m[row + j] += coeffs[k];
      }
    }
  }
  return tf.tensor2d(m, [outSize, inSize]);
}

/** Keys' cubic convolution weights of taps −1, 0, 1, 2 at fraction `t` (PyTorch's). */
function cubicCoefficients(t: number): [number, number, number, number] {
  const a = CUBIC_A;
  const far = (x: number) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; // 1 < |x| < 2
  const near = (x: number) => ((a + 2) * x - (a + 3)) * x * x + 1; // |x| <= 1
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}
