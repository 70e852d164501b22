/**
 * DeepLIFT SHAP, as Captum's `DeepLiftShap`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardArgsOptions, TargetOptions } from "./options.ts";
import type { ForwardFunction, PerInput } from "./types.ts";
import type { CallSpec, PackedOptions } from "./_utils/multi_input.ts";
import type { PathAttributions } from "./attribution.ts";
import { DeepLift } from "./deep_lift.ts";
import { assertBaselineDistribution } from "./_utils/baselines.ts";
import { rowChunks } from "./_utils/batching.ts";
import { rowCost } from "./_utils/memory_budget.ts";
import { deepLiftMultipliers } from "./_utils/deep_lift_multipliers.ts";
import { repeatInterleave, repeatTarget, tileBatch } from "./_utils/repeat.ts";
import { sliceTarget } from "./_utils/target.ts";

/** Options of {@linkcode DeepLiftShap.attribute}. */
export interface DeepLiftShapOptions extends TargetOptions, ForwardArgsOptions {
  /**
   * Required. The baseline distribution: a tensor of reference rows `[B, ...]` with the shape of
   * one example (B ≥ 1). Every example is explained against every row. For an array of inputs,
   * one distribution per input, all with B rows (row b of every input is one baseline).
   */
  baselines: PerInput<tf.Tensor>;
  /**
   * At most this many (example, baseline) pairs per forward/backward pass (each pass runs twice
   * as many rows: inputs and baselines). Results do not depend on it. A pass that would not fit
   * the wasm heap is refused with a `RangeError` first.
   * @default the pairs that fit a 512 MiB budget at the model's measured cost per row; all pairs
   * at once for small models
   */
  internalBatchSize?: number;
}

/**
 * DeepLiftShap: {@linkcode DeepLift} of every example against every row of a baseline
 * distribution, averaged over the rows (an approximation of SHAP values).
 *
 * @example
 * ```ts
 * import { DeepLiftShap, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => tf.relu(x).sum(1, true);
 * const baselines = tf.tensor2d([[0, 0], [2, 0]]);
 * const attr = await new DeepLiftShap(model).attribute(tf.tensor2d([[1, 1]]), { baselines });
 * attr.print(); // [[0, 1]]: mean of DeepLift vs [0, 0] ([1, 1]) and vs [2, 0] ([-1, 1])
 * attr.dispose();
 * ```
 *
 * `attributeWithDelta()` adds Captum's convergence delta, one per (example, baseline row) pair as
 * Captum returns it: shape `[N · B]`, example-major. Both methods throw a `TypeError` for
 * non-float inputs, inputs that do not fit the model, missing baselines or baseline rows of
 * another shape, or a model output a class index cannot select, and a `RangeError` for a target
 * out of range. The caller owns the tensors returned.
 *
 * @example
 * ```ts
 * import { DeepLiftShap, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => tf.relu(x).sum(1, true);
 * const { attributions, delta } = await new DeepLiftShap(model).attributeWithDelta(
 *   tf.tensor2d([[1, 1]]),
 *   { baselines: tf.tensor2d([[0, 0], [2, 0]]) },
 * );
 * delta.print(); // [0, 0]
 * tf.dispose([attributions, delta]);
 * ```
 */
export class DeepLiftShap extends DeepLift<[options: DeepLiftShapOptions]> {
  /** Per-pair attributions `[N·B, ...]` with the expanded inputs and baselines. */
  protected override get callSpec(): CallSpec {
    return { baselines: "distribution" };
  }

  protected override paths(
    inputs: tf.Tensor,
    options: PackedOptions<DeepLiftShapOptions>,
    forward: ForwardFunction,
  ): PathAttributions {
    const name = this.methodName;
    const { target, internalBatchSize } = options ?? {};
    assertBaselineDistribution(name, inputs, options?.baselines);
    const numBaselines = options.baselines.shape[0];
    const rows = inputs.shape[0] * numBaselines;
    const chunks = rowChunks(
      name,
      rows,
      internalBatchSize,
      rowCost(forward, inputs, "gradient", 2),
    );
    const rowShape = inputs.shape.slice(1);
    return tf.tidy(() => {
      const x = repeatInterleave(inputs, numBaselines);
      const b = tileBatch(options.baselines.toFloat(), inputs.shape[0]);
      const expandedTarget = repeatTarget(target, numBaselines);
      const parts = chunks.map(([start, end]) =>
        tf.tidy(() => {
          const begin = [start, ...rowShape.map(() => 0)];
          const shape = [end - start, ...rowShape];
          const xs = x.slice(begin, shape);
          const bs = b.slice(begin, shape);
          const m = deepLiftMultipliers(
            name,
            forward,
            xs,
            bs,
            sliceTarget(expandedTarget, start, end - start),
            this.eps,
          );
          return this.multiplyByInputs ? m.mul(xs.sub(bs)) : m;
        })
      );
      const attributions = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      return { attributions, baselines: b, endPoints: x, pathsPerExample: numBaselines };
    });
  }
}
