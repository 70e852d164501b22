/**
 * Integrated Gradients at a layer, as Captum's `LayerIntegratedGradients`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type {
  BaselineOptions,
  IntegrationOptions,
  LayerInputOptions,
  TargetOptions,
} from "../options.ts";
import type { PathAttributions } from "../attribution.ts";
import type { Baseline } from "../types.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { sumOverChunks } from "../_utils/chunk_sum.ts";
import { expandTarget } from "../_utils/target.ts";
import { targetSum } from "../_utils/gradients.ts";
import { LayerPathAttribution } from "../_path_method.ts";
import { pathPoints, tileRows, weightedStepSum } from "./_layer_gradients.ts";

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
export interface LayerIntegratedGradientsOptions
  extends TargetOptions, BaselineOptions, IntegrationOptions, LayerInputOptions {
  /**
   * Reference inputs whose layer activations start the path: a number, a tensor of the inputs'
   * shape, or one with batch size 1.
   * @default 0
   */
  baselines?: Baseline;
}

/**
 * Integrated Gradients over a layer's activations: integrates ∂F/∂A along the straight line from
 * the baselines' activations A(x′) to the inputs' activations A(x) (not along the input path),
 * times A(x) − A(x′). Branches that bypass the layer see the inputs. Result: the layer's shape.
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
    inputs: tf.Tensor,
    options: LayerIntegratedGradientsOptions,
  ): Promise<PathAttributions> {
    const method = this.methodName;
    const { target, alphas, weights, n, chunks, baselines, tap, progress } = this.pathSetup(
      inputs,
      options,
    );
    const [end, start] = tf.tidy(() => [tap.layerValue(inputs), tap.layerValue(baselines)]);
    let total: tf.Tensor | undefined;
    try {
      total = await sumOverChunks(chunks, (s, e) => {
        const points = pathPoints(start, end, alphas.slice(s, e));
        const xs = () => tileRows(inputs, e - s);
        const t = expandTarget(target, e - s);
        const f = (a: tf.Tensor) => targetSum(method, tap.forwardFrom(a, xs), t);
        return weightedStepSum(tf.grad(f)(points), weights.slice(s, e), n);
      }, progress);
      const integrated = total;
      const attributions = tf.tidy(() =>
        this.multiplyByInputs ? integrated.mul(end.sub(start)) : integrated.clone()
      );
      return { attributions, baselines };
    } catch (error) {
      baselines.dispose();
      throw error;
    } finally {
      tf.dispose([end, start, total!]);
    }
  }
}
