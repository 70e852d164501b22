/**
 * Private: how the figures of model parameter randomization name a randomization step.
 *
 * @module
 */
import type { ModelParameterRandomizationResult } from "../evaluation/model_parameter_randomization.ts";

/**
 * The label of step `k` of `result`: the layer randomized, with a "+" on cascading steps after
 * the first ("+conv2": conv2 and the layers above).
 */
export function stepLabel(result: ModelParameterRandomizationResult, k: number): string {
  const { layer } = result.steps[k];
  return result.mode === "cascading" && k > 0 ? `+${layer}` : layer;
}
