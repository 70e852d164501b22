/**
 * `ReluGradRows`, a kernel this library adds to the `wasm` backend: {@linkcode ReluGrad} whose
 * `dy` rows are gathered from a table, `dx[r, …] = table[indices[r]] · step(x[r, …])`, in one
 * pass. Backpropagation from a linear output layer's kernel columns through the ReLU before it
 * (see `lib/attr/_utils/affine_exit.ts`) would otherwise write the gathered rows with `GatherV2`
 * and read them back in `ReluGrad`. The value is `ReluGrad(gather(table, indices), x)`'s bit for
 * bit (the same per-row loop of `relu_grad/relu_grad.c`, or of {@linkcode reluGradInto} where
 * WebAssembly SIMD is unavailable). It takes a float32 `table` `[T, width]`, int32 `indices` `[R]`
 * in `[0, T)` and a float32 `x` of `R` rows of `width` values; it has no gradient.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { heapOffset } from "./_heap_module.ts";
import { filledOutput } from "./_output.ts";
import { heapView, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";
import { RELU_GRAD_MODULE, reluGradInto } from "./relu_grad.ts";

/** The kernel name (not a tfjs-core kernel). */
export const ReluGradRows = "ReluGradRows";

/** The inputs of {@linkcode ReluGradRows}. */
export interface ReluGradRowsInputs {
  /** The rows `dy` is gathered from, `[T, width]`, float32. */
  table: tf.TensorInfo;
  /** Which row of `table` each row of `x` takes, `[R]`, int32 in `[0, T)`. */
  indices: tf.TensorInfo;
  /** The ReLU's input, `R` rows of `width` values (any shape `[R, …]`), float32. */
  x: tf.TensorInfo;
}

/** Why the kernel cannot take these inputs, or `null` when it can. */
function unsupported({ table, indices, x }: ReluGradRowsInputs): string | null {
  const width = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (table.dtype !== "float32" || x.dtype !== "float32" || indices.dtype !== "int32") {
    return `table and x must be float32 and indices int32, received ${table.dtype}, ${x.dtype} ` +
      `and ${indices.dtype}`;
  }
  if (
    table.shape.length !== 2 || table.shape[1] !== width || indices.shape.length !== 1 ||
    x.shape.length < 1 || indices.shape[0] !== x.shape[0]
  ) {
    return `table must be [T, width], indices [R] and x [R, …] with width values a row, ` +
      `received [${table.shape}], [${indices.shape}] and [${x.shape}]`;
  }
  return null;
}

function reluGradRows(args: WasmKernelArgs<ReluGradRowsInputs, object>): tf.TensorInfo {
  const { inputs, backend } = args;
  const why = unsupported(inputs);
  if (why !== null) {
    throw new TypeError(`Cannot run the ReluGradRows kernel: ${why}. Gather, then ReluGrad.`);
  }
  const { table, indices, x } = inputs;
  const rows = x.shape[0];
  const width = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const index = heapView(backend, indices) as Int32Array;
  if (index.some((i) => i < 0 || i >= table.shape[0])) {
    throw new RangeError(
      `Cannot run the ReluGradRows kernel: indices must be in [0, ${table.shape[0]}), received ` +
        `[${Array.from(index)}]. Pass row indices of the table.`,
    );
  }
  const mod = RELU_GRAD_MODULE.on(backend);
  return filledOutput(backend, x.shape, (dx) => {
    // Views and offsets taken after the allocation (growing the heap detaches earlier views).
    if (rows * width === 0) return;
    if (mod === null) {
      const t = heapView(backend, table);
      const at = heapView(backend, indices);
      const xs = heapView(backend, x);
      const out = heapView(backend, dx) as Float32Array;
      for (let r = 0; r < rows; r++) {
        const row = at[r] * width;
        reluGradInto(
          t.subarray(row, row + width),
          xs.subarray(r * width, (r + 1) * width),
          out.subarray(r * width, (r + 1) * width),
        );
      }
      return;
    }
    mod.exports.relu_grad_rows(
      heapOffset(backend, table),
      heapOffset(backend, indices),
      heapOffset(backend, x),
      heapOffset(backend, dx),
      rows,
      width,
    );
  });
}

/** `ReluGradRows` on `wasm`. */
export const reluGradRowsKernel = wasmKernel(ReluGradRows, reluGradRows);
