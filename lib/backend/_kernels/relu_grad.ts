/**
 * `ReluGrad`, a kernel this library adds to the `wasm` backend (TensorFlow's `ReluGrad` op, which
 * TensorFlow.js lacks): `dx = dy · step(x)` in one pass over the two inputs. TensorFlow.js's own
 * ReLU gradient, `mul(dy, cast(step(x), "float32"))`, runs a `Step` and a `Multiply` kernel, so
 * it writes and reads back a mask as large as the activation; on the tutorial CNN's
 * IntegratedGradients call that pass costs about 5% of the whole call.
 *
 * The value is the two-kernel gradient's bit for bit: `step(x)` is the wasm `Step` (1 where
 * `x > 0`, 0 where `x ≤ 0`, −0 included, and `x` itself where `x` is NaN) and the product is
 * formed with the same SIMD multiply, operands in the same order. The pass runs in a small
 * WebAssembly SIMD module (`relu_grad/relu_grad.c`) on float32 inputs of one shape, or as the same
 * loop in TypeScript ({@linkcode reluGradInto}) where WebAssembly SIMD is unavailable; other
 * inputs (other dtypes, shapes that broadcast) run the stock `Step`, `Cast` and `Multiply` kernels.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { Cast, Multiply, Step } from "@tensorflow/tfjs-core";
import { heapModule, heapOffset } from "./_heap_module.ts";
import { filledOutput } from "./_output.ts";
import { disposeAll, heapView, runKernel, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";
import { RELU_GRAD_WASM_BASE64 } from "./_generated/relu_grad_wasm.ts";

/** The kernel name of the one-pass ReLU gradient (TensorFlow's op name; not a tfjs-core kernel). */
export const ReluGrad = "ReluGrad";

/** The inputs of {@linkcode ReluGrad}: the output gradient and the ReLU's forward input. */
export interface ReluGradInputs {
  /** The gradient with respect to the ReLU's output. */
  dy: tf.TensorInfo;
  /** The ReLU's input. */
  x: tf.TensorInfo;
}

/** The SIMD module's exports (pointers are heap byte offsets). */
interface ReluGradExports {
  relu_grad(dy: number, x: number, dx: number, n: number): void;
  /** `relu_grad` with dy's rows gathered from a table (`relu_grad_rows.ts`). */
  relu_grad_columns(
    table: number,
    units: number,
    indices: number,
    x: number,
    dx: number,
    rows: number,
    width: number,
  ): void;
  relu_grad_rows(
    table: number,
    indices: number,
    x: number,
    dx: number,
    rows: number,
    width: number,
  ): void;
}

/** The SIMD module of `relu_grad/relu_grad.c`, on a backend's heap. */
export const RELU_GRAD_MODULE = heapModule<ReluGradExports>(RELU_GRAD_WASM_BASE64);
const MODULE = RELU_GRAD_MODULE;

/**
 * `dx[i] = dy[i] · step(x[i])` for every `i` (step: 1 where `x > 0`, `x` where `x` is NaN, else
 * 0). Plain typed arrays of one length: the caller passes views of the wasm heap (or any arrays,
 * as the tests do).
 */
export function reluGradInto(dy: ArrayLike<number>, x: ArrayLike<number>, dx: Float32Array): void {
  for (let i = 0; i < dx.length; i++) {
    const v = x[i];
    dx[i] = dy[i] * (v > 0 ? 1 : v !== v ? v : 0);
  }
}

function reluGrad(args: WasmKernelArgs<ReluGradInputs, object>): tf.TensorInfo {
  const { inputs: { dy, x }, backend } = args;
  const sameShape = dy.shape.length === x.shape.length &&
    dy.shape.every((d, i) => d === x.shape[i]);
  if (dy.dtype !== "float32" || x.dtype !== "float32" || !sameShape) {
    // The stock gradient's kernels, with their dtype handling and broadcasting.
    const step = runKernel(Step, args, { x }, { alpha: 0 });
    const mask = runKernel(Cast, args, { x: step }, { dtype: "float32" });
    const out = runKernel(Multiply, args, { a: dy, b: mask });
    disposeAll(backend, step, mask);
    return out;
  }
  const mod = MODULE.on(backend);
  return filledOutput(backend, x.shape, (dx) => {
    // Views and offsets taken after the allocation (growing the heap detaches earlier views).
    if (mod === null) {
      reluGradInto(
        heapView(backend, dy),
        heapView(backend, x),
        heapView(backend, dx) as Float32Array,
      );
      return;
    }
    const size = x.shape.reduce((a, b) => a * b, 1);
    if (size === 0) return;
    mod.exports.relu_grad(
      heapOffset(backend, dy),
      heapOffset(backend, x),
      heapOffset(backend, dx),
      size,
    );
  });
}

/** `ReluGrad` on `wasm` (`dy · step(x)` in one pass). */
export const reluGradKernel = wasmKernel(ReluGrad, reluGrad);
