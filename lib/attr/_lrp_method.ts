/**
 * The one home of LRP's public surface, shared by {@linkcode LRP} and {@linkcode LayerLRP}
 * (Captum's `LayerLRP(LRP, LayerAttribution)`): `attribute()`, `attributeWithDelta()` and LRP's
 * own convergence delta, on whichever base the explainer sits. Each explainer holds an
 * `LrpPropagation` (its rules and where relevance stops) and says whether a call goes on through
 * its layer (`throughLayer()`).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { LayerInputOptions, TargetOptions } from "./options.ts";
import type { AttributionsOf, AttributionWithDelta, Inputs } from "./types.ts";
import type { GradientClass } from "./_path_method.ts";
import { checkedLrpDelta, type LrpPropagation } from "./_utils/lrp_propagation.ts";
import { assertNoForwardArgs, validateCallInputs } from "./_utils/multi_input.ts";
import { validateTarget } from "./_utils/target.ts";
import { attributionTypeError } from "./_utils/errors.ts";
import { isLayersModel } from "./_utils/forward.ts";
import { modelInputNames } from "../models/_model_graph.ts";

/** Options of `LRP.attribute`. */
export interface LrpOptions extends TargetOptions {
  /**
   * Print which rule is applied on which layer while propagating (Captum's `verbose`).
   * @default false
   */
  verbose?: boolean;
}

/** The options LRP's methods read (LayerLRP's include `attributeToLayerInput`). */
type LrpMethodOptions = LrpOptions & LayerInputOptions;

/**
 * `Base` with LRP's `attribute()`, `attributeWithDelta()` and `computeConvergenceDelta()`, read
 * from the subclass's `propagation`.
 */
export function withLrp<B extends GradientClass>(Base: B) {
  abstract class LrpMethod extends Base {
    /** The rules and the backward pass; set by the subclass's constructor. */
    protected abstract readonly propagation: LrpPropagation;

    async attribute<T extends Inputs>(
      inputs: T,
      options?: LrpMethodOptions,
    ): Promise<AttributionsOf<T>> {
      const { attributions } = await this.relevance(inputs, options ?? {}, false);
      return attributions as AttributionsOf<T>;
    }

    async attributeWithDelta<T extends Inputs>(
      inputs: T,
      options?: LrpMethodOptions,
    ): Promise<AttributionWithDelta<AttributionsOf<T>>> {
      const { attributions, delta } = await this.relevance(inputs, options ?? {}, true);
      return { attributions: attributions as AttributionsOf<T>, delta: delta! };
    }

    /**
     * Captum's LRP convergence delta: per example, `output − Σ attributions`, shape `[N]`, with
     * `output` the target's value `[N]` (≈ 0 when no bias or ε absorbs relevance). The caller
     * owns the result.
     *
     * @param attributions attributions of shape `[N, ...]`.
     * @param output the explained output value per example, `[N]`.
     */
    override computeConvergenceDelta(attributions: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
      return checkedLrpDelta(this.methodName, attributions, output);
    }

    /**
     * Whether relevance goes on through the attributed layer to its input; validates what that
     * needs. LRP has no such layer.
     */
    protected throughLayer(_options: LrpMethodOptions): boolean {
      return false;
    }

    /**
     * Whether a call returns an array: one attribution per input for an array of inputs (LRP), or
     * per tensor of the attributed layer value (LayerLRP at a merge layer's inputs).
     */
    protected returnsArray(inputs: Inputs, _options: LrpMethodOptions): boolean {
      return Array.isArray(inputs);
    }

    /** Validate, then one backward pass. */
    protected async relevance(
      inputs: Inputs,
      options: LrpMethodOptions,
      withDelta: boolean,
    ): Promise<{ attributions: tf.Tensor | tf.Tensor[]; delta?: tf.Tensor1D }> {
      assertNoForwardArgs(this.methodName, options);
      const { target, verbose = false } = options;
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const { attributions, delta } = await this.propagation.relevance(list, target, {
        verbose,
        withDelta,
        validate: () => {
          assertEveryModelInput(this.methodName, this.model, list);
          if (Array.isArray(inputs)) {
            validateCallInputs(this.methodName, this.model, inputs, {});
            validateTarget(this.methodName, target, inputs[0].shape[0]);
          } else {
            this.validateInputsAndTarget(inputs, target);
          }
          return this.throughLayer(options);
        },
      });
      return {
        attributions: this.returnsArray(inputs, options) ? attributions : attributions[0],
        delta,
      };
    }
  }
  return LrpMethod;
}

/**
 * LRP hands relevance back to every input of the model: `inputs` must hold one tensor per model
 * input (it takes no `additionalForwardArgs`).
 *
 * @throws {TypeError} naming the model's inputs otherwise.
 */
function assertEveryModelInput(method: string, model: unknown, inputs: readonly unknown[]): void {
  if (!isLayersModel(model) || model.inputs.length === inputs.length) return;
  throw attributionTypeError(
    method,
    "inputs",
    `${model.inputs.length} tensors, one per model input (${
      modelInputNames(model).map((n) => JSON.stringify(n)).join(", ")
    })`,
    inputs.length,
    `Pass one tensor per model input, in the model's order: ${method} attributes every input.`,
  );
}
