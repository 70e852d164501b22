/**
 * Guided Grad-CAM, as Captum's `GuidedGradCam`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TargetOptions } from "./options.ts";
import { GradientAttribution } from "./attribution.ts";
import { GuidedBackprop } from "./guided_backprop.ts";
import { attributionTypeError } from "./_utils/errors.ts";
import { assertOneOf } from "./_utils/errors.ts";
import { LayerGradCam } from "./layer/layer_grad_cam.ts";
import { IMAGE_INTERPOLATE_MODES, LayerAttribution } from "./layer/layer_attribution.ts";
import type { InterpolateMode } from "./layer/layer_attribution.ts";
import type { LayerRef } from "../models/layer_tap.ts";
import { assertNoForwardArgs } from "./_utils/multi_input.ts";

/** Options of {@linkcode GuidedGradCam.attribute}. */
export interface GuidedGradCamOptions extends TargetOptions {
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
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer the layer for Grad-CAM (usually the last convolution), or its name.
   * @throws {TypeError} when the model is a forward function or the layer is not in the model.
   */
  constructor(model: tf.LayersModel, layer: LayerRef) {
    super(model);
    this.#gradCam = new LayerGradCam(model, layer);
    this.layer = this.#gradCam.layer;
    this.#guidedBackprop = new GuidedBackprop(model);
  }

  /** Guided Grad-CAM attributions in the inputs' shape; the caller owns the tensor. */
  async attribute(inputs: tf.Tensor, options: GuidedGradCamOptions = {}): Promise<tf.Tensor> {
    assertNoForwardArgs(this.methodName, options);
    const { target, interpolateMode = "nearest", attributeToLayerInput = false } = options;
    this.validateInputsAndTarget(inputs, target);
    assertOneOf(this.methodName, "interpolateMode", interpolateMode, IMAGE_INTERPOLATE_MODES);
    if (inputs.rank !== 4) {
      throw attributionTypeError(
        this.methodName,
        "inputs",
        "NHWC images [N, H, W, C] (the Grad-CAM map is resized to H × W)",
        inputs,
        "Use LayerGradCam and GuidedBackprop separately for non-image inputs.",
      );
    }
    const cam = await this.#gradCam.attribute(inputs, {
      target,
      attributeToLayerInput,
      reluAttributions: true,
    });
    let guided: tf.Tensor | undefined;
    try {
      if (cam.rank !== 4) {
        throw attributionTypeError(
          this.methodName,
          "layer",
          "a layer with a 4-D NHWC output (a convolution), so its map can be resized to the input",
          `layer "${this.layer.name}" with a map of shape [${cam.shape.join(", ")}]`,
          "Pick a convolutional layer.",
        );
      }
      guided = await this.#guidedBackprop.attribute(inputs, { target });
      const g = guided;
      return tf.tidy(() => {
        const [, h, w] = inputs.shape as number[];
        const up = LayerAttribution.interpolate(cam, [h, w], interpolateMode);
        return g.mul(up);
      });
    } finally {
      tf.dispose([cam, guided!]);
    }
  }
}
