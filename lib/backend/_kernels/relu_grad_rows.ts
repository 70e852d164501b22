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

/** The attributes of {@linkcode ReluGradRows}. */
export interface ReluGradRowsAttrs {
  /**
   * `table` is stored transposed, `[width, T]`: the rows are its columns (a linear output layer's
   * kernel as it is). @default false
   */
  transposed?: boolean;
}

/** The inputs of {@linkcode ReluGradRows}. */
export interface ReluGradRowsInputs {
  /** The rows `dy` is gathered from, `[T, width]` (`[width, T]` when transposed), float32. */
  table: tf.TensorInfo;
  /** Which row of `table` each row of `x` takes, `[R]`, int32 in `[0, T)`. */
  indices: tf.TensorInfo;
  /** The ReLU's input, `R` rows of `width` values (any shape `[R, …]`), float32. */
  x: tf.TensorInfo;
}

/** Why the kernel cannot take these inputs, or `null` when it can. */
function unsupported(
  { table, indices, x }: ReluGradRowsInputs,
  transposed: boolean,
): string | null {
  const width = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (table.dtype !== "float32" || x.dtype !== "float32" || indices.dtype !== "int32") {
    return `table and x must be float32 and indices int32, received ${table.dtype}, ${x.dtype} ` +
      `and ${indices.dtype}`;
  }
  if (
    table.shape.length !== 2 || table.shape[transposed ? 0 : 1] !== width ||
    indices.shape.length !== 1 || x.shape.length < 1 || indices.shape[0] !== x.shape[0]
  ) {
    return `table must be ${transposed ? "[width, T]" : "[T, width]"}, indices [R] and x [R, …] ` +
      `with width values a row, received [${table.shape}], [${indices.shape}] and [${x.shape}]`;
  }
  return null;
}

function reluGradRows(
  args: WasmKernelArgs<ReluGradRowsInputs, ReluGradRowsAttrs>,
): tf.TensorInfo {
  const { inputs, backend } = args;
  const transposed = args.attrs?.transposed ?? false;
  const units = inputs.table.shape[transposed ? 1 : 0];
  const why = unsupported(inputs, transposed);
  if (why !== null) {
    throw new TypeError(`Cannot run the ReluGradRows kernel: ${why}. Gather, then ReluGrad.`);
  }
  const { table, indices, x } = inputs;
  const rows = x.shape[0];
  const width = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const index = heapView(backend, indices) as Int32Array;
  if (index.some((i) => i < 0 || i >= units)) {
    throw new RangeError(
      `Cannot run the ReluGradRows kernel: indices must be in [0, ${units}), received ` +
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
        const row = transposed
          ? Float32Array.from({ length: width }, (_, j) => t[j * units + at[r]])
          : t.subarray(at[r] * width, (at[r] + 1) * width);
        reluGradInto(
          row,
          xs.subarray(r * width, (r + 1) * width),
          out.subarray(r * width, (r + 1) * width),
        );
      }
      return;
    }
    const [tableAt, indicesAt, xAt, dxAt] = [table, indices, x, dx].map((t) =>
      heapOffset(backend, t)
    );
    if (transposed) {
      mod.exports.relu_grad_columns(tableAt, units, indicesAt, xAt, dxAt, rows, width);
    } else {
      mod.exports.relu_grad_rows(tableAt, indicesAt, xAt, dxAt, rows, width);
    }
  });
}

/** `ReluGradRows` on `wasm`. */
export const reluGradRowsKernel = wasmKernel(ReluGradRows, reluGradRows);
