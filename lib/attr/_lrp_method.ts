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
import type { AttributionWithDelta } from "./types.ts";
import type { GradientClass } from "./_path_method.ts";
import { checkedLrpDelta, type LrpPropagation } from "./_utils/lrp_propagation.ts";

/** The options LRP's methods read (LayerLRP's include `attributeToLayerInput`). */
/** Options of `LRP.attribute`. */
export interface LrpOptions extends TargetOptions {
  /**
   * Print which rule is applied on which layer while propagating (Captum's `verbose`).
   * @default false
   */
  verbose?: boolean;
}

type LrpMethodOptions = LrpOptions & LayerInputOptions;

/**
 * `Base` with LRP's `attribute()`, `attributeWithDelta()` and `computeConvergenceDelta()`, read
 * from the subclass's `propagation`.
 */
export function withLrp<B extends GradientClass>(Base: B) {
  abstract class LrpMethod extends Base {
    /** The rules and the backward pass; set by the subclass's constructor. */
    protected abstract readonly propagation: LrpPropagation;

    async attribute(inputs: tf.Tensor, options?: LrpMethodOptions): Promise<tf.Tensor> {
      return (await this.relevance(inputs, options ?? {}, false)).attributions;
    }

    async attributeWithDelta(
      inputs: tf.Tensor,
      options?: LrpMethodOptions,
    ): Promise<AttributionWithDelta> {
      const { attributions, delta } = await this.relevance(inputs, options ?? {}, true);
      return { attributions, delta: delta! };
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

    /** Validate, then one backward pass. */
    protected relevance(
      inputs: tf.Tensor,
      options: LrpMethodOptions,
      withDelta: boolean,
    ): Promise<{ attributions: tf.Tensor; delta?: tf.Tensor1D }> {
      const { target, verbose = false } = options;
      return this.propagation.relevance(inputs, target, {
        verbose,
        withDelta,
        validate: () => {
          this.validateInputsAndTarget(inputs, target);
          return this.throughLayer(options);
        },
      });
    }
  }
  return LrpMethod;
}
