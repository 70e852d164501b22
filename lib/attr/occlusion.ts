/**
 * Occlusion, as Captum's: slide a window over the non-batch axes, replace the covered elements by
 * the baseline, and give every element the mean, over the windows covering it, of the drop in the
 * target output `F(x) − F(x occluded)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PerturbationAttribution } from "./attribution.ts";
import type { PerturbationOptions } from "./perturbation_options.ts";
import type { PerturbationBaseline } from "./types.ts";
import { attributionRangeError, attributionTypeError } from "./_utils/errors.ts";
import { resolvePerturbationsPerEval } from "./_utils/perturbation.ts";

/** Options of {@linkcode Occlusion.attribute}. */
export interface OcclusionOptions extends Omit<PerturbationOptions, "featureMask"> {
  /**
   * The window's extent along each non-batch axis (NHWC images: `[h, w, c]`, e.g. `[4, 4, 1]`).
   * Required; each entry at most the axis' length.
   */
  slidingWindowShapes: readonly number[];
  /**
   * The step between windows along each non-batch axis (a number applies to every axis); each at
   * most the window's extent (unless the window spans the whole axis). Windows start at 0 and step
   * until the axis is covered; the last one may be cut short at the edge, as in Captum.
   * @default 1
   */
  strides?: number | readonly number[];
  /**
   * The values an occluded element takes: a scalar, a tensor of the inputs' shape or batch 1, or
   * a function of the inputs returning one (e.g. `ProductBaselines.asBaselines()`). @default 0
   */
  baselines?: PerturbationBaseline;
}

/**
 * Attribution by occluding sliding windows.
 *
 * @example
 * ```ts
 * import { Occlusion, tf } from "../mod.ts";
 * const occlusion = new Occlusion((x: tf.Tensor) => x.sum(1));
 * const attr = await occlusion.attribute(tf.tensor2d([[1, 2, 3]]), {
 *   slidingWindowShapes: [2],
 *   strides: 1,
 * });
 * attr.print(); // [[3, 4, 5]]: windows [1, 2] → 3 and [2, 3] → 5, the middle one averages both
 * ```
 */
export class Occlusion extends PerturbationAttribution {
  /**
   * Attributions of the inputs' shape. The caller owns the returned tensor.
   *
   * @throws {TypeError} for window shapes or strides of the wrong length, baselines that do not
   *   broadcast.
   * @throws {RangeError} for a window larger than the input, a stride larger than the window, or
   *   non-positive sizes.
   */
  override async attribute(inputs: tf.Tensor, options: OcclusionOptions): Promise<tf.Tensor> {
    const method = this.methodName;
    const { target } = options ?? {};
    this.validateInputsAndTarget(inputs, target);
    const dims = inputs.shape.slice(1);
    const { windows, strides } = validateWindows(
      method,
      dims,
      options?.slidingWindowShapes,
      options?.strides,
    );
    const n = inputs.shape[0];
    const ppe = resolvePerturbationsPerEval(method, options.perturbationsPerEval, n);
    const rank = dims.length;
    const counts = dims.map((d, a) => Math.ceil((d - windows[a]) / strides[a]) + 1);
    const numWindows = counts.reduce((a, b) => a * b, 1);
    const featureSize = dims.reduce((a, b) => a * b, 1);
    const axisStride = new Array<number>(rank);
    for (let a = rank - 1, s = 1; a >= 0; a--) {
      axisStride[a] = s;
      s *= dims[a];
    }
    // Calls visit(flatIndex) for every element of window number `w`.
    const forEachInWindow = (w: number, visit: (i: number) => void) => {
      const lo = new Array<number>(rank);
      const hi = new Array<number>(rank);
      let rem = w;
      for (let a = rank - 1; a >= 0; a--) {
        lo[a] = (rem % counts[a]) * strides[a];
        hi[a] = Math.min(dims[a], lo[a] + windows[a]);
        rem = Math.floor(rem / counts[a]);
      }
      const walk = (a: number, base: number) => {
        if (a === rank) return visit(base);
        for (let k = lo[a]; k < hi[a]; k++) walk(a + 1, base + k * axisStride[a]);
      };
      walk(0, 0);
    };
    return await this.perturbTowardBaselines(inputs, options, {
      numPerturbations: numWindows,
      perturbationsPerEval: ppe,
      keepBlock: (start, end) => {
        const keep = new Float32Array((end - start) * featureSize).fill(1);
        for (let w = start; w < end; w++) {
          const offset = (w - start) * featureSize;
          forEachInWindow(w, (i) => (keep[offset + i] = 0));
        }
        return { keep, perExample: false };
      },
    }, (initial, outputs) => {
      const total = new Float64Array(n * featureSize);
      const covered = new Float64Array(featureSize);
      for (let w = 0; w < numWindows; w++) {
        forEachInWindow(w, (i) => {
          covered[i]++;
          for (let e = 0; e < n; e++) {
            total[e * featureSize + i] += initial[e] - outputs[w * n + e];
          }
        });
      }
      const attr = new Float32Array(n * featureSize);
      for (let e = 0; e < n; e++) {
        for (let i = 0; i < featureSize; i++) {
          attr[e * featureSize + i] = total[e * featureSize + i] / covered[i];
        }
      }
      return tf.tensor(attr, inputs.shape);
    });
  }
}

function validateWindows(
  method: string,
  dims: number[],
  slidingWindowShapes: unknown,
  stridesOption: unknown,
): { windows: number[]; strides: number[] } {
  const rank = dims.length;
  if (
    !Array.isArray(slidingWindowShapes) || slidingWindowShapes.length !== rank
  ) {
    throw attributionTypeError(
      method,
      "slidingWindowShapes",
      `an array of ${rank} window extents, one per non-batch axis of inputs [N, ${
        dims.join(", ")
      }]`,
      slidingWindowShapes,
      `Pass e.g. slidingWindowShapes: [${dims.map((d) => Math.min(d, 4)).join(", ")}].`,
    );
  }
  const windows = slidingWindowShapes as number[];
  windows.forEach((w, a) => {
    if (!Number.isInteger(w) || w < 1 || w > dims[a]) {
      throw attributionRangeError(
        method,
        `slidingWindowShapes[${a}]`,
        `an integer in [1, ${dims[a]}] (the window cannot be larger than the input's axis ${
          a + 1
        } of length ${dims[a]})`,
        w,
        "Use a smaller window.",
      );
    }
  });
  const stridesRaw = stridesOption ?? 1;
  if (
    typeof stridesRaw !== "number" && !(Array.isArray(stridesRaw) && stridesRaw.length === rank)
  ) {
    throw attributionTypeError(
      method,
      "strides",
      `a number or an array of ${rank} steps, one per non-batch axis`,
      stridesRaw,
      `Pass e.g. strides: [${windows.map((w) => Math.max(1, Math.floor(w / 2))).join(", ")}].`,
    );
  }
  const strides = typeof stridesRaw === "number"
    ? new Array<number>(rank).fill(stridesRaw)
    : stridesRaw as number[];
  strides.forEach((s, a) => {
    const what = typeof stridesRaw === "number" ? "strides" : `strides[${a}]`;
    if (!Number.isInteger(s) || s < 1) {
      throw attributionRangeError(method, what, "a positive integer", s, "Pass a step >= 1.");
    }
    if (s > windows[a] && windows[a] !== dims[a]) {
      throw attributionRangeError(
        method,
        what,
        `at most the window's extent ${windows[a]} along axis ${a + 1} (else elements are skipped)`,
        s,
        `Pass a step <= ${windows[a]}.`,
      );
    }
  });
  return { windows, strides };
}
