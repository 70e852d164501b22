/**
 * Guided Grad-CAM, as Captum's `GuidedGradCam`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, TargetOptions } from "./options.ts";
import type { AttributionsOf, Inputs } from "./types.ts";
import { GradientAttribution } from "./attribution.ts";
import { GuidedBackprop } from "./guided_backprop.ts";
import { assertOneOf, attributionTypeError } from "./_utils/errors.ts";
import { LayerGradCam } from "./layer/layer_grad_cam.ts";
import { IMAGE_INTERPOLATE_MODES, LayerAttribution } from "./layer/layer_attribution.ts";
import type { InterpolateMode, LayerAttributions } from "./layer/layer_attribution.ts";
import type { LayerRef } from "../models/layer_tap.ts";

/** Options of {@linkcode GuidedGradCam.attribute}. */
export interface GuidedGradCamOptions extends TargetOptions, ForwardArgsOptions {
  /**
   * How the Grad-CAM map is resized to the input: "nearest", "bilinear", "bicubic" or "area" (see
   * {@linkcode LayerAttribution.interpolate}). @default "nearest"
   */
  interpolateMode?: InterpolateMode;
  /** Compute Grad-CAM on the layer's input instead of its output. @default false */
  attributeToLayerInput?: boolean;
}

/**
 * Guided Grad-CAM: guided backpropagation (input resolution, class-agnostic detail) multiplied by
 * the layer's Grad-CAM map (ReLU'd, resized to the input, broadcast over the input's channels).
 * Inputs must be NHWC images `[N, H, W, C]`; the result has their shape.
 *
 * @example
 * ```ts
 * import { GuidedGradCam, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ name: "conv", inputShape: [4, 4, 1], filters: 2, kernelSize: 3, kernelInitializer: "ones" }),
 *   tf.layers.reLU(),
 *   tf.layers.flatten(),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new GuidedGradCam(model, "conv").attribute(tf.ones([1, 4, 4, 1]));
 * console.log(attr.shape); // [1, 4, 4, 1]
 * ```
 */
export class GuidedGradCam extends GradientAttribution {
  /** The convolutional layer whose Grad-CAM map is used. */
  readonly layer: tf.layers.Layer;
  readonly #gradCam: LayerGradCam;
  readonly #guidedBackprop: GuidedBackprop;

  /**
   * @param model a `tf.LayersModel` with one output (and one input or several).
   * @param layer the layer for Grad-CAM (usually the last convolution), or its name.
   * @throws {TypeError} when the model is a forward function or the layer is not in the model.
   */
  constructor(model: tf.LayersModel, layer: LayerRef) {
    super(model);
    this.#gradCam = new LayerGradCam(model, layer);
    this.layer = this.#gradCam.layer;
    this.#guidedBackprop = new GuidedBackprop(model);
  }

  /**
   * Guided Grad-CAM attributions in the inputs' shape; the caller owns the tensor(s).
   *
   * For an array of inputs (a `tf.LayersModel` with several inputs), one tensor per input, as
   * Captum's tuple: each input's guided backpropagation times the layer's one Grad-CAM map,
   * resized to that input's H × W. An input that is not an NHWC image `[N, H, W, C]` (a vector
   * beside an image) gets an empty tensor of shape `[0]`, as Captum's `torch.empty(0)` for an
   * input it cannot resize the map to; at least one input must be an image.
   *
   * @throws {TypeError} for no image among the inputs, a layer whose map is not 4-D NHWC or is
   *   several tensors (`attributeToLayerInput` on a merge), or inputs that do not fit the model.
   * @throws {RangeError} for a target out of range.
   */
  async attribute<T extends Inputs>(
    inputs: T,
    options: GuidedGradCamOptions = {},
  ): Promise<AttributionsOf<T>> {
    const method = this.methodName;
    const { target, interpolateMode = "nearest", attributeToLayerInput = false } = options;
    const { additionalForwardArgs } = options;
    this.prepare(inputs, options, {}).dispose();
    assertOneOf(method, "interpolateMode", interpolateMode, IMAGE_INTERPOLATE_MODES);
    const list: readonly tf.Tensor[] = Array.isArray(inputs) ? inputs : [inputs as tf.Tensor];
    if (!list.some((x) => x.rank === 4)) {
      throw attributionTypeError(
        method,
        "inputs",
        Array.isArray(inputs)
          ? "at least one NHWC image [N, H, W, C] among the inputs (the Grad-CAM map is resized " +
            "to each image; other inputs get an empty tensor)"
          : "NHWC images [N, H, W, C] (the Grad-CAM map is resized to H × W)",
        inputs,
        "Use LayerGradCam and GuidedBackprop separately for non-image inputs.",
      );
    }
    const cam = await this.#gradCam.attribute<LayerAttributions>(inputs, {
      target,
      attributeToLayerInput,
      reluAttributions: true,
      additionalForwardArgs,
    });
    let guided: tf.Tensor | tf.Tensor[] | undefined;
    try {
      if (Array.isArray(cam) || cam.rank !== 4) {
        const shapes = Array.isArray(cam) ? cam.map((c) => c.shape) : [cam.shape];
        throw attributionTypeError(
          method,
          "layer",
          "a layer with a 4-D NHWC output (a convolution; one tensor), so its map can be resized " +
            "to the input",
          `layer "${this.layer.name}" with ${
            shapes.map((s) => `a map of shape [${s.join(", ")}]`).join(" and ")
          }`,
          Array.isArray(cam)
            ? "Attribute to the layer's output, or pick a layer with one input."
            : "Pick a convolutional layer.",
        );
      }
      const g: tf.Tensor | tf.Tensor[] = await this.#guidedBackprop.attribute(inputs, {
        target,
        additionalForwardArgs,
      });
      guided = g;
      const each = Array.isArray(g) ? g : [g];
      const out = tf.tidy(() =>
        each.map((g) => {
          if (g.rank !== 4) return tf.zeros([0]);
          const [, h, w] = g.shape as number[];
          return g.mul(LayerAttribution.interpolate(cam, [h, w], interpolateMode));
        })
      );
      return (Array.isArray(inputs) ? out : out[0]) as AttributionsOf<T>;
    } finally {
      tf.dispose([cam, guided ?? []]);
    }
  }
}
