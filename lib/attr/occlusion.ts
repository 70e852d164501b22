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
import type { AttributionsOf, Inputs, PerInput, PerturbationBaseline } from "./types.ts";
import { attributionRangeError, attributionTypeError } from "./_utils/errors.ts";
import { type InputLayout, perInputArray } from "./_utils/multi_input.ts";
import { resolvePerturbationsPerEval } from "./_utils/perturbation.ts";

/** Options of {@linkcode Occlusion.attribute}. */
export interface OcclusionOptions extends Omit<PerturbationOptions, "featureMask"> {
  /**
   * The window's extent along each non-batch axis (NHWC images: `[h, w, c]`, e.g. `[4, 4, 1]`).
   * Required; each entry at most the axis' length. For an array of inputs, one window per input
   * (an array of arrays); each input's windows slide over it with the other inputs intact.
   */
  slidingWindowShapes: readonly number[] | readonly (readonly number[])[];
  /**
   * The step between windows along each non-batch axis (a number applies to every axis); each at
   * most the window's extent (unless the window spans the whole axis). Windows start at 0 and step
   * until the axis is covered; the last one may be cut short at the edge, as in Captum. For an
   * array of inputs, a number for every axis of every input, or one entry per input.
   * @default 1
   */
  strides?: number | readonly number[] | readonly (number | readonly number[])[];
  /**
   * The values an occluded element takes: a scalar, a tensor of the inputs' shape or batch 1, or
   * a function of the inputs returning one (e.g. `ProductBaselines.asBaselines()`). For an array
   * of inputs, one per input (a single number serves all). @default 0
   */
  baselines?: PerInput<PerturbationBaseline>;
}

/** One input's windows, as positions in the (packed) row. */
interface WindowGrid {
  /** The input's first element in the row. */
  offset: number;
  dims: number[];
  windows: number[];
  strides: number[];
  /** Windows along each axis. */
  counts: number[];
  /** Row-major strides of the input's axes. */
  axisStride: number[];
  numWindows: number;
}

function windowGrid(
  offset: number,
  dims: number[],
  windows: number[],
  strides: number[],
): WindowGrid {
  const rank = dims.length;
  const counts = dims.map((d, a) => Math.ceil((d - windows[a]) / strides[a]) + 1);
  const axisStride = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) {
    axisStride[a] = s;
    s *= dims[a];
  }
  const numWindows = counts.reduce((a, b) => a * b, 1);
  return { offset, dims, windows, strides, counts, axisStride, numWindows };
}

/** Calls `visit(position)` for every element of window number `w` of `grid`. */
function forEachInWindow(grid: WindowGrid, w: number, visit: (i: number) => void): void {
  const { dims, windows, strides, counts, axisStride } = grid;
  const rank = dims.length;
  const lo = new Array<number>(rank);
  const hi = new Array<number>(rank);
  let rem = w;
  for (let a = rank - 1; a >= 0; a--) {
    lo[a] = (rem % counts[a]) * strides[a];
    hi[a] = Math.min(dims[a], lo[a] + windows[a]);
    rem = Math.floor(rem / counts[a]);
  }
  const walk = (a: number, base: number): void => {
    if (a === rank) return visit(base);
    for (let k = lo[a]; k < hi[a]; k++) walk(a + 1, base + k * axisStride[a]);
  };
  walk(0, grid.offset);
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
 *
 * @example Two inputs, a window each
 * ```ts
 * import { Occlusion, tf } from "../mod.ts";
 * const model = (a: tf.Tensor, b: tf.Tensor) => a.sum(1).mul(b.sum(1));
 * const [attrA, attrB] = await new Occlusion(model).attribute(
 *   [tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 1, 1]])],
 *   { slidingWindowShapes: [[1], [3]] },
 * );
 * attrA.print(); // [[3, 6]]
 * attrB.print(); // [[9, 9, 9]]
 * ```
 */
export class Occlusion extends PerturbationAttribution {
  /**
   * Attributions of the inputs' shape (one tensor per input for an array of inputs). The caller
   * owns the returned tensors.
   *
   * @throws {TypeError} for window shapes or strides of the wrong length, baselines that do not
   *   broadcast.
   * @throws {RangeError} for a window larger than the input, a stride larger than the window, or
   *   non-positive sizes.
   */
  override attribute<T extends Inputs>(
    inputs: T,
    options: OcclusionOptions,
  ): Promise<AttributionsOf<T>> {
    const method = this.methodName;
    return this.attributeCall(inputs, options, { baselines: "inputs" }, (call) => {
      const grids = windowGrids(method, inputs, call.layout, options);
      const n = call.inputs.shape[0];
      const ppe = resolvePerturbationsPerEval(method, options.perturbationsPerEval, n);
      const featureSize = call.inputs.size / n;
      const starts = [0];
      for (const grid of grids) starts.push(starts[starts.length - 1] + grid.numWindows);
      const numWindows = starts[grids.length];
      const visitWindow = (w: number, visit: (i: number) => void) => {
        let g = 0;
        while (w >= starts[g + 1]) g++;
        forEachInWindow(grids[g], w - starts[g], visit);
      };
      return this.perturbTowardBaselines(call, {
        numPerturbations: numWindows,
        perturbationsPerEval: ppe,
        keepBlock: (start, end) => {
          const keep = new Float32Array((end - start) * featureSize).fill(1);
          for (let w = start; w < end; w++) {
            const offset = (w - start) * featureSize;
            visitWindow(w, (i) => (keep[offset + i] = 0));
          }
          return { keep, perExample: false };
        },
      }, (initial, outputs) => {
        const total = new Float64Array(n * featureSize);
        const covered = new Float64Array(featureSize);
        for (let w = 0; w < numWindows; w++) {
          visitWindow(w, (i) => {
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
        return tf.tensor(attr, call.inputs.shape);
      });
    });
  }
}

/** Each input's window grid, validated (`slidingWindowShapes[i]`, `strides[i]` for arrays). */
function windowGrids(
  method: string,
  inputs: Inputs,
  layout: InputLayout | undefined,
  options: OcclusionOptions | undefined,
): WindowGrid[] {
  const shapes = options?.slidingWindowShapes;
  const strides = options?.strides;
  if (layout === undefined) {
    const dims = (inputs as tf.Tensor).shape.slice(1);
    const v = validateWindows(method, dims, shapes, strides, "");
    return [windowGrid(0, dims, v.windows, v.strides)];
  }
  const count = layout.rowShapes.length;
  const perInput = (value: unknown, what: string, fix: string) =>
    perInputArray(method, what, value, count, "", fix) as unknown[];
  const windowList = perInput(
    shapes,
    "slidingWindowShapes",
    `Pass one window per input, e.g. slidingWindowShapes: [${
      layout.rowShapes.map((d) => `[${d.map((x) => Math.min(x, 4)).join(", ")}]`).join(", ")
    }].`,
  );
  const strideList = typeof strides === "number" || strides === undefined
    ? new Array(count).fill(strides)
    : perInput(strides, "strides", "Pass a number, or one number or array per input.");
  return layout.rowShapes.map((dims, i) => {
    const v = validateWindows(method, dims, windowList[i], strideList[i], `[${i}]`);
    return windowGrid(layout.offsets[i], dims, v.windows, v.strides);
  });
}

function validateWindows(
  method: string,
  dims: number[],
  slidingWindowShapes: unknown,
  stridesOption: unknown,
  index: string,
): { windows: number[]; strides: number[] } {
  const rank = dims.length;
  const input = index === "" ? "inputs" : `inputs${index}`;
  if (
    !Array.isArray(slidingWindowShapes) || slidingWindowShapes.length !== rank
  ) {
    throw attributionTypeError(
      method,
      `slidingWindowShapes${index}`,
      `an array of ${rank} window extents, one per non-batch axis of ${input} [N, ${
        dims.join(", ")
      }]`,
      slidingWindowShapes,
      `Pass e.g. slidingWindowShapes${index}: [${dims.map((d) => Math.min(d, 4)).join(", ")}].`,
    );
  }
  const windows = slidingWindowShapes as number[];
  windows.forEach((w, a) => {
    if (!Number.isInteger(w) || w < 1 || w > dims[a]) {
      throw attributionRangeError(
        method,
        `slidingWindowShapes${index}[${a}]`,
        `an integer in [1, ${dims[a]}] (the window cannot be larger than ${
          index === "" ? "the input's" : `${input}'s`
        } axis ${a + 1} of length ${dims[a]})`,
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
      `strides${index}`,
      `a number or an array of ${rank} steps, one per non-batch axis`,
      stridesRaw,
      `Pass e.g. strides${index}: [${
        windows.map((w) => Math.max(1, Math.floor(w / 2))).join(", ")
      }].`,
    );
  }
  const strides = typeof stridesRaw === "number"
    ? new Array<number>(rank).fill(stridesRaw)
    : stridesRaw as number[];
  strides.forEach((s, a) => {
    const what = typeof stridesRaw === "number" ? `strides${index}` : `strides${index}[${a}]`;
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
