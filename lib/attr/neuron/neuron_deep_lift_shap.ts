/**
 * DeepLiftShap of one neuron, as Captum's `NeuronDeepLiftShap`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { NeuronOptions } from "../options.ts";
import type { LayerRef } from "../../models/layer_tap.ts";
import { DeepLiftShap } from "../deep_lift_shap.ts";
import { type DeepLiftConfig, resolveDeepLiftConfig } from "../_utils/deep_lift_config.ts";
import { assertBaselineDistribution } from "../_utils/baselines.ts";
import { NeuronAttribution } from "./neuron_attribution.ts";
import { assertDeepLiftCovers } from "../_utils/deep_lift_coverage.ts";

/** Options of {@linkcode NeuronDeepLiftShap.attribute}. */
export interface NeuronDeepLiftShapOptions extends NeuronOptions {
  /** A distribution of baselines, rows `[B, ...input shape]`; DeepLift is averaged over them. */
  baselines: tf.Tensor;
  /** Most rows (examples × baselines) evaluated at once. @default undefined (all at once) */
  internalBatchSize?: number;
}

/**
 * {@linkcode NeuronDeepLift} against every baseline row, averaged. Result: the inputs' shape.
 *
 * @example
 * ```ts
 * import { NeuronDeepLiftShap, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: "ones" }),
 *   tf.layers.reLU({ name: "relu" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const attr = await new NeuronDeepLiftShap(model, "relu").attribute(tf.tensor2d([[1, 2]]), {
 *   neuronSelector: [0],
 *   baselines: tf.zeros([2, 2]),
 * });
 * attr.print(); // [[1, 2]]
 * ```
 */
export class NeuronDeepLiftShap extends NeuronAttribution {
  /** Whether multipliers are multiplied by (inputs − baselines). */
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

  /** Attributions in the inputs' shape; the caller owns the tensor. */
  async attribute(inputs: tf.Tensor, options: NeuronDeepLiftShapOptions): Promise<tf.Tensor> {
    this.validateInputsAndTarget(inputs, undefined);
    assertDeepLiftCovers(
      this.methodName,
      this.taps.tap(options?.attributeToNeuronInput).layersBeforeTap,
    );
    const forward = this.taps.neuronForward(
      options?.neuronSelector,
      options.attributeToNeuronInput,
    );
    assertBaselineDistribution(this.methodName, inputs, options.baselines);
    const dls = new DeepLiftShap(forward, {
      multiplyByInputs: this.multiplyByInputs,
      eps: this.eps,
    });
    const { baselines, internalBatchSize } = options;
    return await dls.attribute(inputs, { baselines, internalBatchSize });
  }
}
