/**
 * Conductance of a layer's units, as Captum's `LayerConductance`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ApproximationMethod, Inputs } from "../types.ts";
import { expandTarget } from "../_utils/target.ts";
import { LayerPathAttribution } from "../_path_method.ts";
import { layerGradients, pathPoints } from "./_layer_gradients.ts";
import {
  type LayerPathAttributions,
  type LayerPathOptions,
  pathEnds,
} from "./layer_attribution.ts";

/** Options of {@linkcode LayerConductance.attribute}. */
export interface LayerConductanceOptions extends LayerPathOptions {
  /** Number of steps (nSteps + 1 points are evaluated). @default 50 */
  nSteps?: number;
  /** Where the points lie on the path. @default "gausslegendre" */
  method?: ApproximationMethod;
  /**
   * Most rows (examples × points) evaluated at once.
   * @default undefined (all points at once)
   */
  internalBatchSize?: number;
}

/**
 * Conductance: the flow of the output change through each unit of a layer along the input path
 * x′ + α(x − x′). With nSteps + 1 points αₖ: Σₖ ∂F/∂A(αₖ) · (A(αₖ₊₁) − A(αₖ)). The attributions
 * sum (approximately) to F(x) − F(x′). Result: the layer's shape.
 *
 * @example
 * ```ts
 * import { LayerConductance, tf } from "../../mod.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
 * ] });
 * const attr = await new LayerConductance(model, "hidden").attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // ≈ [[3, 3]]
 * ```
 *
 * `attributeWithDelta()` adds the convergence delta Σ attributions − (F(x)[t] − F(x′)[t]) per
 * example. The caller owns the tensors returned.
 */
export class LayerConductance extends LayerPathAttribution<[options?: LayerConductanceOptions]> {
  /** Conductance of every example along its input path, in the layer's shape. */
  protected async paths(
    inputs: Inputs,
    options: LayerConductanceOptions,
  ): Promise<LayerPathAttributions> {
    const method = this.methodName;
    const path = this.pathCall(inputs, options, (nSteps) => nSteps + 1, true);
    const { call: { inputs: x, options: { target }, tap, n }, alphas, baselines } = path;
    const { chunks, progress } = path;
    let total: tf.Tensor | undefined;
    let prev: { values: tf.Tensor; grads: tf.Tensor } | undefined;
    try {
      for (const [s, e] of chunks) {
        const next = tf.tidy(() => {
          const k = e - s;
          const points = pathPoints(baselines, x, alphas.slice(s, e));
          const lg = layerGradients(method, tap, points, expandTarget(target, k));
          const shape = lg.values.shape.slice(1);
          let values = lg.values.reshape([k, n, ...shape]);
          let grads = lg.grads.reshape([k, n, ...shape]);
          if (prev !== undefined) {
            values = tf.concat([prev.values.expandDims(0), values]);
            grads = tf.concat([prev.grads.expandDims(0), grads]);
          }
          const m = values.shape[0];
          const begin = shape.map(() => 0);
          const last = [m - 1, 0, ...begin];
          const size = [1, -1, ...shape.map(() => -1)];
          let sum = total;
          if (m > 1) {
            // (Reducing an empty axis is avoided: wasm leaves such outputs uninitialised.)
            const lower = values.slice([0, 0, ...begin], [m - 1]);
            const diffs = values.slice([1, 0, ...begin]).sub(lower);
            const part = grads.slice([0, 0, ...begin], [m - 1]).mul(diffs).sum(0);
            sum = sum === undefined ? part : sum.add(part);
          }
          return {
            part: sum === undefined ? tf.zeros([n, ...shape]) : sum.clone(),
            values: values.slice(last, size).squeeze([0]),
            grads: grads.slice(last, size).squeeze([0]),
          };
        });
        tf.dispose([total!, prev?.values!, prev?.grads!]);
        total = next.part;
        prev = { values: next.values, grads: next.grads };
        await progress.advance(e);
      }
      await progress.finish();
      return { attributions: total!.clone(), ...pathEnds(path, inputs) };
    } catch (error) {
      path.dispose();
      throw error;
    } finally {
      tf.dispose([total!, prev?.values!, prev?.grads!]);
    }
  }
}
