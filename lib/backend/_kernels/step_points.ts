/**
 * `StepPoints`, a kernel this library adds to the `wasm` backend: the points of a straight-line
 * path integral, `out[k·N + i, …] = start[i, …] + alphas[k] · diff[i, …]`, stacked step-major
 * (`[K·N, …]` for `K` alphas and `start`, `diff` of shape `[N, …]`), in one pass. TensorFlow.js
 * computes them as `start.expandDims(0).add(alphas.mul(diff.expandDims(0)))`, a `Multiply` and an
 * `Add` pass over `K·N` rows; on the tutorial CNN's IntegratedGradients call those passes write
 * and read back a `[384, 25088]` product per chunk.
 *
 * The value is the two-kernel chain's bit for bit: each product `alphas[k] · diff` is rounded to
 * float32, then `start` is added (no fused multiply-add). The pass runs in a small WebAssembly
 * SIMD module (`step_points/step_points.c`), or as the same loop in TypeScript
 * ({@linkcode stepPointsInto}) where WebAssembly SIMD is unavailable. The kernel takes float32
 * `start` and `diff` of one shape and float32 `alphas` of rank 1; it has no gradient (the points
 * are the input of the gradients they feed, never differentiated). With the attribute `relu`,
 * each point goes through the wasm backend's `Relu` as it is written (`tf.relu` of the points, bit
 * for bit: the signed-integer maximum of the float's bits and 0).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { heapModule, heapOffset } from "./_heap_module.ts";
import { filledOutput } from "./_output.ts";
import { heapView, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";
import { STEP_POINTS_WASM_BASE64 } from "./_generated/step_points_wasm.ts";

/** The kernel name of the one-pass path points (not a tfjs-core kernel). */
export const StepPoints = "StepPoints";

/** The inputs of {@linkcode StepPoints}. */
export interface StepPointsInputs {
  /** The path's start, `[N, …]`, float32. */
  start: tf.TensorInfo;
  /** The path's direction (end − start), float32 of `start`'s shape. */
  diff: tf.TensorInfo;
  /** Each step's position on the path, `[K]`, float32. */
  alphas: tf.TensorInfo;
}

/** The attributes of {@linkcode StepPoints}. */
export interface StepPointsAttrs {
  /** Apply `Relu` to every point. @default false */
  relu?: boolean;
}

/** The SIMD module's export (pointers are heap byte offsets). */
interface StepPointsExports {
  step_points(
    start: number,
    diff: number,
    alphas: number,
    out: number,
    steps: number,
    m: number,
    relu: number,
  ): void;
}

const MODULE = heapModule<StepPointsExports>(STEP_POINTS_WASM_BASE64);

/**
 * `out[k·m + j] = start[j] + fround(alphas[k] · diff[j])` for `k < alphas.length`, `j < m` (`m`:
 * the length of `start`), the float32 value of each operation. Plain typed arrays: the caller
 * passes views of the wasm heap (or any arrays, as the tests do).
 */
export function stepPointsInto(
  start: ArrayLike<number>,
  diff: ArrayLike<number>,
  alphas: ArrayLike<number>,
  out: Float32Array,
  relu = false,
): void {
  const m = start.length;
  for (let k = 0; k < alphas.length; k++) {
    const alpha = Math.fround(alphas[k]);
    const row = k * m;
    // A sum of two float32 values rounds to the same float32 through a double.
    for (let j = 0; j < m; j++) out[row + j] = start[j] + Math.fround(alpha * diff[j]);
  }
  if (relu) {
    // The backend's Relu: the float's bits as a signed integer, at least 0.
    const bits = new Int32Array(out.buffer, out.byteOffset, alphas.length * m);
    for (let i = 0; i < bits.length; i++) if (bits[i] < 0) bits[i] = 0;
  }
}

/** Why `StepPoints` cannot take these inputs, or `null` when it can. */
function unsupported({ start, diff, alphas }: StepPointsInputs): string | null {
  if (start.dtype !== "float32" || diff.dtype !== "float32" || alphas.dtype !== "float32") {
    return `start, diff and alphas must be float32, received ${start.dtype}, ${diff.dtype} and ` +
      `${alphas.dtype}`;
  }
  const sameShape = start.shape.length === diff.shape.length &&
    start.shape.every((d, i) => d === diff.shape[i]);
  if (start.shape.length === 0 || !sameShape || alphas.shape.length !== 1) {
    return `start and diff must share one shape [N, …] and alphas be [K], received ` +
      `[${start.shape}], [${diff.shape}] and [${alphas.shape}]`;
  }
  return null;
}

function stepPoints(args: WasmKernelArgs<StepPointsInputs, StepPointsAttrs>): tf.TensorInfo {
  const { inputs, backend } = args;
  const relu = args.attrs?.relu ?? false;
  const why = unsupported(inputs);
  if (why !== null) {
    throw new TypeError(`Cannot run the StepPoints kernel: ${why}. Use the tfjs ops instead.`);
  }
  const { start, diff, alphas } = inputs;
  const [n, ...rest] = start.shape;
  const steps = alphas.shape[0];
  const m = start.shape.reduce((a, b) => a * b, 1);
  const mod = MODULE.on(backend);
  return filledOutput(backend, [steps * n, ...rest], (out) => {
    // Views and offsets taken after the allocation (growing the heap detaches earlier views).
    if (mod === null) {
      stepPointsInto(
        heapView(backend, start),
        heapView(backend, diff),
        heapView(backend, alphas),
        heapView(backend, out) as Float32Array,
        relu,
      );
      return;
    }
    if (steps * m === 0) return;
    mod.exports.step_points(
      heapOffset(backend, start),
      heapOffset(backend, diff),
      heapOffset(backend, alphas),
      heapOffset(backend, out),
      steps,
      m,
      relu ? 1 : 0,
    );
  });
}

/** `StepPoints` on `wasm` (`start + αₖ·diff` for every step, in one pass). */
export const stepPointsKernel = wasmKernel(StepPoints, stepPoints);
