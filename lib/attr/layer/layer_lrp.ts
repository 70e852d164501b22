/**
 * Layer-wise relevance propagation to a layer, as Captum's `LayerLRP`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerRef } from "../../models/layer_tap.ts";
import type { GraphStep, ModelGraph } from "../../models/_model_graph.ts";
import type { LrpConfig, LrpOptions } from "../lrp.ts";
import type { LayerInputOptions } from "../options.ts";
import type { AttributionWithDelta } from "../types.ts";
import {
  assertLrpCovers,
  checkedLrpDelta,
  type LayerPlan,
  lrpBackward,
  lrpSetup,
  settleLrp,
} from "../_utils/lrp_propagation.ts";
import { LayerAttribution } from "./layer_attribution.ts";

/** Options of {@linkcode LayerLRP.attribute}. */
export interface LayerLrpOptions extends LrpOptions, LayerInputOptions {}

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
 */
export class LayerLRP extends LayerAttribution {
  readonly #graph: ModelGraph;
  readonly #plans: Map<tf.layers.Layer, LayerPlan | string>;
  readonly #step: GraphStep;

  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layer one of its layers or the layer's name.
   * @param config `{ rules }`: rules for some layers, as {@linkcode LRP}'s.
   * @throws {TypeError} when the model is a forward function, the layer is not in the model, a
   *   rule is not a `PropagationRule`, a key of `rules` is not a layer of the model, or a layer
   *   after the attributed one has no rule.
   */
  constructor(model: tf.LayersModel, layer: LayerRef, config: LrpConfig = {}) {
    super(model, layer);
    const { graph, plans } = lrpSetup(this.methodName, model, config?.rules);
    this.#graph = graph;
    this.#plans = plans;
    this.#step = graph.steps.find((step) => step.layer === this.layer)!;
    const index = graph.steps.indexOf(this.#step);
    assertLrpCovers(this.methodName, graph.steps.slice(index + 1), plans);
  }

  /**
   * Relevance at the layer's output (or input), in its shape. The caller owns the result.
   *
   * @throws {TypeError} for non-float inputs, inputs that do not fit the model, a model output a
   *   class index cannot select, or `attributeToLayerInput` at a layer with no rule or several
   *   inputs.
   * @throws {RangeError} for a target out of range.
   */
  async attribute(inputs: tf.Tensor, options: LayerLrpOptions = {}): Promise<tf.Tensor> {
    return (await this.#compute(inputs, options, false)).attributions;
  }

  /**
   * The relevance and Captum's convergence delta per example, the target's value minus the sum
   * of the layer's relevance. The caller owns both tensors.
   */
  async attributeWithDelta(
    inputs: tf.Tensor,
    options: LayerLrpOptions = {},
  ): Promise<AttributionWithDelta> {
    const { attributions, delta } = await this.#compute(inputs, options, true);
    return { attributions, delta: delta! };
  }

  /**
   * Captum's LRP convergence delta: per example, `output − Σ attributions`, shape `[N]`, with
   * `output` the target's value `[N]`. The caller owns the result.
   *
   * @param attributions the layer's relevance, `[N, ...]`.
   * @param output the explained output value per example, `[N]`.
   */
  override computeConvergenceDelta(attributions: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
    return checkedLrpDelta(this.methodName, attributions, output);
  }

  #compute(
    inputs: tf.Tensor,
    options: LayerLrpOptions,
    withDelta: boolean,
  ): Promise<{ attributions: tf.Tensor; delta?: tf.Tensor1D }> {
    const { target, verbose = false, attributeToLayerInput = false } = options ?? {};
    const method = this.methodName;
    const step = this.#step;
    return settleLrp(
      () => {
        this.validateInputsAndTarget(inputs, target);
        // Validates a single input when attributing to the layer's input.
        this.taps.tap(attributeToLayerInput);
        if (attributeToLayerInput) assertLrpCovers(method, [step], this.#plans);
        return lrpBackward(method, this.#graph, this.#plans, inputs, target, {
          stop: step,
          throughStop: attributeToLayerInput,
          verbose,
        });
      },
      (pass) =>
        attributeToLayerInput
          ? pass.stepInputRelevance![0]
          : pass.relevance.get(step.outputIds[0])!,
      withDelta,
    );
  }
}
