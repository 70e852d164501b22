/**
 * Layer-wise relevance propagation to a layer, as Captum's `LayerLRP`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { LayerRef } from "../../models/layer_tap.ts";
import type { LrpConfig, LrpOptions } from "../lrp.ts";
import type { LayerInputOptions } from "../options.ts";
import type { Inputs } from "../types.ts";
import type { LayerGradientMethod } from "../_gradient_method.ts";
import { withLrp } from "../_lrp_method.ts";
import { LrpPropagation } from "../_utils/lrp_propagation.ts";
import { LayerAttribution } from "./layer_attribution.ts";

/** Options of {@linkcode LayerLRP.attribute}. */
export interface LayerLrpOptions extends LrpOptions, LayerInputOptions {}

/** LayerLRP's public methods with its options, and LRP's own convergence delta. */
interface LayerLrpMethods extends LayerGradientMethod<[options?: LayerLrpOptions]> {
  computeConvergenceDelta(attributions: tf.Tensor, output: tf.Tensor): tf.Tensor1D;
}

/** {@linkcode withLrp} on `LayerAttribution`, typed with LayerLRP's options. */
const LayerLrpBase = withLrp(LayerAttribution) as unknown as
  & Omit<typeof LayerAttribution, "prototype">
  & (abstract new (model: tf.LayersModel, layer: LayerRef) => LayerLrpMethods);

/**
 * LRP's relevance at a layer: the target's value handed back from the output, layer by layer
 * with the same rules as {@linkcode LRP}, as far as the layer's output (or, with
 * `attributeToLayerInput`, through the layer to its input), in the layer's shape. Only the
 * layers after the attributed one (and the layer itself for its input) need a rule. For a layer
 * that passes relevance on unchanged (ReLU, Dropout, Flatten …), which Captum refuses here,
 * the relevance at its output is returned.
 *
 * @example
 * ```ts
 * import { LayerLRP, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones", useBias: false }),
 *   tf.layers.reLU(),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones", useBias: false }),
 * ] });
 * const attr = await new LayerLRP(model, "hidden").attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // [[3, 3]]
 * attr.dispose();
 * ```
 *
 * `attributeWithDelta()` adds Captum's convergence delta per example, the target's value minus
 * the sum of the layer's relevance. Both methods throw a `TypeError` for non-float inputs, inputs
 * that do not fit the model, a model output a class index cannot select, or
 * `attributeToLayerInput` at a layer with no rule or several inputs, and a `RangeError` for a
 * target out of range. The caller owns the tensors returned.
 */
export class LayerLRP extends LayerLrpBase {
  protected readonly propagation: LrpPropagation;

  /**
   * @param model a `tf.LayersModel` with one output (and one or more inputs).
   * @param layer one of its layers or the layer's name.
   * @param config `{ rules }`: rules for some layers, as {@linkcode LRP}'s.
   * @throws {TypeError} when the model is a forward function, the layer is not in the model, a
   *   rule is not a `PropagationRule`, a key of `rules` is not a layer of the model, or a layer
   *   after the attributed one has no rule.
   */
  constructor(model: tf.LayersModel, layer: LayerRef, config: LrpConfig = {}) {
    super(model, layer);
    this.propagation = new LrpPropagation(this.methodName, model, config?.rules, this.layer);
  }

  /** With `attributeToLayerInput`, on through the layer (which then needs a rule and one input). */
  protected throughLayer(options: LayerLrpOptions): boolean {
    const { attributeToLayerInput = false } = options;
    // A merge layer's inputs give one relevance per input; the output must be one tensor.
    if (attributeToLayerInput) this.taps.anyTap(true);
    else this.taps.tap(false);
    return attributeToLayerInput;
  }

  /** One relevance per layer input with `attributeToLayerInput` at a merge layer. */
  protected returnsArray(_inputs: Inputs, options: LayerLrpOptions): boolean {
    return options.attributeToLayerInput === true && this.taps.anyTap(true).tensorCount > 1;
  }
}
