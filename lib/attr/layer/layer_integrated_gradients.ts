/**
 * Integrated Gradients at a layer, as Captum's `LayerIntegratedGradients`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Baseline, Inputs, PerInput } from "../types.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { sumOverChunks } from "../_utils/chunk_sum.ts";
import { expandTarget } from "../_utils/target.ts";
import { targetGradient } from "../_utils/gradients.ts";
import { LayerPathAttribution } from "../_path_method.ts";
import { pathPoints, tileRows, weightedStepSum } from "./_layer_gradients.ts";
import {
  type LayerPathAttributions,
  type LayerPathOptions,
  pathEnds,
} from "./layer_attribution.ts";

/** Constructor options of {@linkcode LayerIntegratedGradients}. */
export interface LayerIntegratedGradientsConfig {
  /**
   * Multiply the integrated gradients by (A(inputs) − A(baselines)); false returns the "local"
   * attribution (the averaged layer gradient).
   * @default true
   */
  multiplyByInputs?: boolean;
}

/** Options of {@linkcode LayerIntegratedGradients.attribute}. */
export interface LayerIntegratedGradientsOptions extends LayerPathOptions {
  /**
   * Reference inputs whose layer activations start the path: a number, a tensor of the inputs'
   * shape, or one with batch size 1; for an array of inputs, one per input.
   * @default 0
   */
  baselines?: PerInput<Baseline>;
}

/**
 * Integrated Gradients over a layer's activations: integrates ∂F/∂A along the straight line from
 * the baselines' activations A(x′) to the inputs' activations A(x) (not along the input path),
 * times A(x) − A(x′). Branches that bypass the layer see the inputs. Result: the layer's shape;
 * for the input of a layer with several inputs (`attributeToLayerInput` on a merge), one tensor
 * per input, as Captum's tuple. Takes one tensor or an array of inputs (one per model input).
 *
 * @example
 * ```ts
 * import { LayerIntegratedGradients, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const lig = new LayerIntegratedGradients(model, "hidden");
 * const attr = await lig.attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // [[3, 3]] (the model is linear after the layer)
 * ```
 *
 * `attributeWithDelta()` adds the convergence delta Σ attributions − (F(x)[t] − F(x′)[t]) per
 * example. The caller owns the tensors returned.
 */
export class LayerIntegratedGradients
  extends LayerPathAttribution<[options?: LayerIntegratedGradientsOptions]> {
  /** Whether attributions are multiplied by A(inputs) − A(baselines). */
  readonly multiplyByInputs: boolean;

  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer one of its layers or the layer's name.
   * @param config see {@linkcode LayerIntegratedGradientsConfig}.
   */
  constructor(
    model: tf.LayersModel,
    layer: LayerRef,
    config: LayerIntegratedGradientsConfig = {},
  ) {
    super(model, layer);
    this.multiplyByInputs = config.multiplyByInputs ?? true;
  }

  /** Integrated gradients along each example's activation path, in the layer's shape. */
  protected async paths(
    inputs: Inputs,
    options: LayerIntegratedGradientsOptions,
  ): Promise<LayerPathAttributions> {
    const method = this.methodName;
    const path = this.pathCall(inputs, options, undefined, true);
    const { call: { inputs: x, options: { target }, tap, n }, alphas, weights, baselines } = path;
    let end: tf.Tensor | undefined;
    let start: tf.Tensor | undefined;
    let total: tf.Tensor | undefined;
    try {
      [end, start] = tf.tidy(() => [tap.layerValue(x, target), tap.layerValue(baselines, target)]);
      const [a, b] = [end, start];
      total = await sumOverChunks(path.chunks, (s, e) => {
        const points = pathPoints(b, a, alphas.slice(s, e));
        const xs = () => tileRows(x, e - s);
        const t = expandTarget(target, e - s);
        const f = (v: tf.Tensor) => tap.forwardFrom(v, xs, t);
        const grads = targetGradient(method, f, points, t, tap.outputShape(points.shape[0]));
        return weightedStepSum(grads, weights.slice(s, e), n);
      }, path.progress);
      const integrated = total;
      const attributions = tf.tidy(() =>
        this.multiplyByInputs ? integrated.mul(a.sub(b)) : integrated.clone()
      );
      return { attributions, ...pathEnds(path, inputs) };
    } catch (error) {
      path.dispose();
      throw error;
    } finally {
      tf.dispose([end!, start!, total!]);
    }
  }
}
