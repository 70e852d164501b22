/**
 * Explainers shared by the evaluation tests: one that ignores the model (an edge detector on the
 * input) and two that use it.
 */
import { IntegratedGradients, Saliency } from "../../lib/mod.ts";
import type { ExplainerFunction } from "../../lib/mod.ts";

/** The Sobel edge detector: the same map whatever the model and class. */
export { edgeDetector } from "../../lib/mod.ts";

/** Saliency for the given classes. */
export const saliency: ExplainerFunction = (model, x, target) =>
  new Saliency(model).attribute(x, { target });

/** Integrated Gradients (black baseline, 16 steps) for the given classes. */
export const integratedGradients: ExplainerFunction = (model, x, target) =>
  new IntegratedGradients(model).attribute(x, { target, nSteps: 16 });
