/**
 * Layer-wise relevance propagation (Bach et al., 2015), as Captum's `LRP`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { GradientAttribution } from "./attribution.ts";
import type { LrpRules } from "./lrp_rules.ts";
import type { TargetOptions } from "./options.ts";
import type { AttributionWithDelta } from "./types.ts";
import {
  assertLrpCovers,
  checkedLrpDelta,
  type LayerPlan,
  lrpBackward,
  lrpSetup,
  settleLrp,
} from "./_utils/lrp_propagation.ts";
import type { ModelGraph } from "../models/_model_graph.ts";

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

/** Options of {@linkcode LRP.attribute}. */
export interface LrpOptions extends TargetOptions {
  /**
   * Print which rule is applied on which layer while propagating (Captum's `verbose`).
   * @default false
   */
  verbose?: boolean;
}

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
 * ε-rule without biases and ε → 0): Captum's normalized relevance times the output.
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
 */
export class LRP extends GradientAttribution {
  /** The rules set at construction (`undefined`: Captum's defaults everywhere). */
  readonly rules: LrpRules | undefined;
  readonly #graph: ModelGraph;
  readonly #plans: Map<tf.layers.Layer, LayerPlan | string>;

  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param config `{ rules }`: rules for some layers.
   * @throws {TypeError} when the model is a forward function, a rule is not a
   *   `PropagationRule`, a key of `rules` is not a layer of the model, or a layer has no rule.
   */
  constructor(model: tf.LayersModel, config: LrpConfig = {}) {
    super(model);
    const { graph, plans } = lrpSetup(this.methodName, model, config?.rules);
    assertLrpCovers(this.methodName, graph.steps, plans);
    this.rules = config?.rules;
    this.#graph = graph;
    this.#plans = plans;
  }

  /**
   * LRP attributions of `target`, in the inputs' shape. The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, or a model
   *   output a class index cannot select.
   * @throws {RangeError} for a target out of range.
   */
  async attribute(inputs: tf.Tensor, options: LrpOptions = {}): Promise<tf.Tensor> {
    return (await this.#compute(inputs, options, false)).attributions;
  }

  /**
   * Attributions and Captum's convergence delta per example, the target's value minus the sum of
   * the attributions (0 when relevance is conserved; biases and ε absorb some). The caller owns
   * both tensors.
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
  async attributeWithDelta(
    inputs: tf.Tensor,
    options: LrpOptions = {},
  ): Promise<AttributionWithDelta> {
    const { attributions, delta } = await this.#compute(inputs, options, true);
    return { attributions, delta: delta! };
  }

  /**
   * Captum's LRP convergence delta: per example, `output − Σ attributions`, shape `[N]`, where
   * `output` is the target's value `[N]` (LRP conserves relevance, so this is ≈ 0 when no bias
   * or ε absorbs any). The caller owns the result.
   *
   * @param attributions attributions of shape `[N, ...]`.
   * @param output the explained output value per example, `[N]`.
   */
  override computeConvergenceDelta(attributions: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
    return checkedLrpDelta(this.methodName, attributions, output);
  }

  #compute(
    inputs: tf.Tensor,
    options: LrpOptions,
    withDelta: boolean,
  ): Promise<{ attributions: tf.Tensor; delta?: tf.Tensor1D }> {
    const { target, verbose = false } = options ?? {};
    const method = this.methodName;
    return settleLrp(
      () => {
        this.validateInputsAndTarget(inputs, target);
        return lrpBackward(method, this.#graph, this.#plans, inputs, target, { verbose });
      },
      (pass) => pass.relevance.get(this.#graph.inputId)!,
      withDelta,
    );
  }
}
