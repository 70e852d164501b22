/**
 * Layer-wise relevance propagation (Bach et al., 2015), as Captum's `LRP`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { GradientAttribution } from "./attribution.ts";
import type { LrpRules } from "./lrp_rules.ts";
import type { LrpOptions } from "./_lrp_method.ts";
import type { InputsGradientMethod } from "./_gradient_method.ts";
import { withLrp } from "./_lrp_method.ts";
import { LrpPropagation } from "./_utils/lrp_propagation.ts";

/** Constructor options of {@linkcode LRP} and {@linkcode LayerLRP}. */
export interface LrpConfig {
  /**
   * Rules for some layers (Captum sets `module.rule`): a map from layers or layer names to
   * rules, or a function of the layer. Layers left out take Captum's default rule.
   * @default undefined (Captum's defaults: EpsilonRule for Conv2D, DepthwiseConv2D, Dense,
   *   BatchNormalization, pooling and Add)
   */
  rules?: LrpRules;
}

export type { LrpOptions } from "./_lrp_method.ts";

/** LRP's public methods with its options, and LRP's own convergence delta. */
interface LrpMethods extends InputsGradientMethod<[options?: LrpOptions]> {
  computeConvergenceDelta(attributions: tf.Tensor, output: tf.Tensor): tf.Tensor1D;
}

/** {@linkcode withLrp} on `GradientAttribution`, typed with LRP's options. */
const LrpBase = withLrp(GradientAttribution) as unknown as abstract new (
  model: tf.LayersModel,
) => LrpMethods;

/**
 * Layer-wise relevance propagation: the target's value is handed back from the output to the
 * inputs layer by layer, each layer dividing the relevance at its output among its inputs by its
 * rule (see {@linkcode EpsilonRule}, {@linkcode GammaRule}, {@linkcode Alpha1Beta0Rule},
 * {@linkcode IdentityRule}). Layers without a rule set in `config.rules` take Captum's default,
 * the ε-rule (ε = 1e-9), for Conv2D, DepthwiseConv2D, Dense, BatchNormalization, max pooling,
 * AveragePooling2D, GlobalAveragePooling2D and Add (Captum's `Addition_Module`); ReLU, tanh (as
 * layers or fused) and Dropout pass relevance on unchanged; Flatten, Reshape, Permute,
 * ZeroPadding2D, Cropping2D and Concatenate route it as PyTorch's functional ops would. Any other
 * layer (softmax, sigmoid, Multiply …) is refused at construction, by name and class.
 *
 * Attributions are in the inputs' shape and sum to about the target's value (exactly, for the
 * ε-rule without biases and ε → 0): Captum's normalized relevance times the output. A model with
 * several inputs takes an array with one tensor per model input and returns one attribution per
 * input; the delta then sums all of them.
 *
 * @example
 * ```ts
 * import { LRP, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 1, inputShape: [2], useBias: false, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new LRP(model).attribute(tf.tensor2d([[1, 3]]));
 * attr.print(); // [[1, 3]]
 * attr.dispose();
 * ```
 *
 * `attributeWithDelta()` adds Captum's convergence delta per example, the target's value minus
 * the sum of the attributions (0 when relevance is conserved; biases and ε absorb some). Both
 * methods throw a `TypeError` for non-float inputs, inputs that do not fit the model, or a model
 * output a class index cannot select, and a `RangeError` for a target out of range. The caller
 * owns the tensors returned.
 *
 * @example
 * ```ts
 * import { LRP, tf } from "../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 1, inputShape: [2], useBias: false, kernelInitializer: "ones" }),
 * ] });
 * const { attributions, delta } = await new LRP(model).attributeWithDelta(tf.tensor2d([[1, 3]]));
 * delta.print(); // ≈ [0]
 * tf.dispose([attributions, delta]);
 * ```
 */
export class LRP extends LrpBase {
  /** The rules set at construction (`undefined`: Captum's defaults everywhere). */
  readonly rules: LrpRules | undefined;
  protected readonly propagation: LrpPropagation;

  /**
   * @param model a `tf.LayersModel` with one output (and one or more inputs).
   * @param config `{ rules }`: rules for some layers.
   * @throws {TypeError} when the model is a forward function, a rule is not a
   *   `PropagationRule`, a key of `rules` is not a layer of the model, or a layer has no rule.
   */
  constructor(model: tf.LayersModel, config: LrpConfig = {}) {
    super(model);
    this.propagation = new LrpPropagation(this.methodName, model, config?.rules);
    this.rules = config?.rules;
  }
}
