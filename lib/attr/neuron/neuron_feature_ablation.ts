/**
 * Feature ablation for one neuron, as Captum's `NeuronFeatureAblation`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, NeuronOptions, ProgressOptions } from "../options.ts";
import type { AttributionsOf, Inputs, PerInput, PerturbationBaseline } from "../types.ts";
import { FeatureAblation } from "../feature_ablation.ts";
import { PerturbationAttribution } from "../attribution.ts";
import { withLayerTaps } from "../layer/layer_taps.ts";

/** Options of {@linkcode NeuronFeatureAblation.attribute}. */
export interface NeuronFeatureAblationOptions
  extends NeuronOptions, ProgressOptions, ForwardArgsOptions {
  /**
   * What an ablated input is set to: a number, a tensor of the inputs' shape or batch 1, or a
   * function of the inputs returning one (e.g. `ProductBaselines.asBaselines()`). For an array of
   * inputs, one per input (a single number serves all). @default 0
   */
  baselines?: PerInput<PerturbationBaseline>;
  /**
   * Groups of input elements ablated together: an integer tensor of the inputs' shape (batch 1 or
   * N); equal ids form one feature. For an array of inputs, one mask per input; an id used in
   * several inputs' masks is one feature spanning them, as Captum's.
   * @default undefined (every element its own feature)
   */
  featureMask?: PerInput<tf.Tensor>;
  /**
   * Perturbed copies evaluated per forward pass (each contributes N rows); results do not depend
   * on it. A pass that would not fit the wasm heap is refused with a `RangeError` first.
   * @default as FeatureAblation's: about 128 rows per pass, fewer when those would not fit a
   * 512 MiB budget at the measured cost per row
   */
  perturbationsPerEval?: number;
}

/**
 * For each group of input elements: neuron(x) − neuron(x with the group set to the baseline),
 * broadcast to the group. Only the layers up to the neuron's layer run. Result: the inputs' shape
 * (one tensor per input for an array of inputs).
 *
 * @example
 * ```ts
 * import { NeuronFeatureAblation, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * const nfa = new NeuronFeatureAblation(model, "hidden");
 * const attr = await nfa.attribute(tf.tensor2d([[1, 2]]), { neuronSelector: [0] });
 * attr.print(); // [[1, 2]]
 * ```
 */
export class NeuronFeatureAblation extends withLayerTaps(PerturbationAttribution) {
  /** Attributions in the inputs' shape; the caller owns the tensor(s). */
  async attribute<T extends Inputs>(
    inputs: T,
    options: NeuronFeatureAblationOptions,
  ): Promise<AttributionsOf<T>> {
    this.assertModelInputs(inputs, options?.additionalForwardArgs);
    const forward = this.taps.neuronForward(options);
    const { baselines, featureMask, perturbationsPerEval, additionalForwardArgs } = options;
    return await new FeatureAblation(forward).attribute(inputs, {
      baselines,
      featureMask,
      perturbationsPerEval,
      showProgress: options.showProgress,
      additionalForwardArgs,
    });
  }
}
