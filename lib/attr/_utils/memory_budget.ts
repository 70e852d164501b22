/**
 * How many rows (examples × steps, samples or perturbations) one forward (and backward) pass may
 * take: the default `internalBatchSize`, `perturbationsPerEval`, `ntSamplesBatchSize` and
 * `maxExamplesPerBatch` come from what one row costs measured against
 * {@linkcode MEMORY_BUDGET_BYTES}, and every chunk, the user's included, is checked against what
 * the wasm heap can still hold before anything is allocated.
 *
 * Why check first: when the wasm backend's `malloc` fails, Emscripten aborts the whole runtime and
 * every later TensorFlow.js call in the process throws `Aborted()`. A `RangeError` raised before
 * the allocation leaves the runtime usable.
 *
 * What a row costs: the bytes the model's forward pass keeps alive for one row, measured by
 * running it on the first example inside `tf.tidy` (every intermediate stays allocated until the
 * scope closes, as it does while a chunk is evaluated or recorded for gradients), plus the row
 * itself; a model's forward function is measured once per row shape (its allocations depend on
 * the shapes alone). A gradient row costs {@linkcode GRADIENT_ROW_FACTOR} times that (the
 * activations kept for the backward pass, their gradients and the method's own copies of the row).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction } from "../types.ts";
import { errorPrefix } from "./errors.ts";
import { runsFixedGraph } from "./forward.ts";

/**
 * Bytes one chunk may take by default: 512 MiB, an eighth of the wasm heap's maximum
 * ({@linkcode WASM_HEAP_MAX_BYTES}), so that the heap (which never shrinks) stays modest and the
 * caller's own tensors keep room. Larger chunks are hardly faster on the wasm backend: the work
 * per row is the same, only the number of kernel calls drops.
 */
export const MEMORY_BUDGET_BYTES = 512 * 2 ** 20;

/**
 * The most the wasm heap can grow to: tfjs-backend-wasm 4.22 is built with a 4 GiB maximum
 * memory (`getHeapMax()` returns 4294901760 in `dist/tf-backend-wasm.node.js`, and the threaded
 * build declares `maximum: 4294967296 / 65536` pages).
 */
export const WASM_HEAP_MAX_BYTES = 4294901760;

/**
 * Heap kept free beyond a chunk's estimate: the backend's own scratch (XNNPACK packed weights and
 * workspaces), allocator fragmentation and what the method holds besides the chunk.
 */
export const WASM_HEAP_RESERVE_BYTES = 256 * 2 ** 20;

/** How many forward rows' bytes one forward-and-backward row costs (measured 2.9 on a 224² net). */
export const GRADIENT_ROW_FACTOR = 3;

/** Whether a row is evaluated forward only (perturbations) or forward and backward (gradients). */
export type RowPass = "forward" | "gradient";

/** What one row of a method's chunks costs, for {@linkcode chunkRows} and {@linkcode assertChunkFits}. */
export interface RowCost {
  /** Estimated bytes one row keeps allocated while its chunk is evaluated. */
  bytesPerRow: number;
  /** How the rows are evaluated (worded in the error message). */
  pass: RowPass;
}

/**
 * The cost of one row of `inputs` (`[N, ...]`) through `forward`: the bytes its forward pass
 * leaves allocated inside `tf.tidy` for the first example, plus the row itself, times
 * {@linkcode GRADIENT_ROW_FACTOR} for gradient rows, times `rowsPerItem` when one counted item
 * runs several rows (DeepLiftShap's pairs run the input and the baseline). Nothing stays
 * allocated. When the forward function rejects a batch of one, the row is assumed to cost 64
 * times its own bytes. A model's forward function (see `runsFixedGraph`) is measured once per
 * backend and row shape, and the measure reused by later calls.
 */
export function rowCost(
  forward: ForwardFunction,
  inputs: tf.Tensor,
  pass: RowPass,
  rowsPerItem = 1,
): RowCost {
  const rowBytes = 4 * inputs.shape.slice(1).reduce((a, b) => a * b, 1);
  const forwardBytes = forwardBytesPerRow(forward, inputs, rowBytes);
  const bytesPerRow = pass === "gradient" ? GRADIENT_ROW_FACTOR * forwardBytes : 2 * rowBytes +
    forwardBytes;
  return { bytesPerRow: Math.max(rowsPerItem * bytesPerRow, 1), pass };
}

/**
 * What a model's forward function (see `runsFixedGraph`) was measured to keep alive for one row,
 * by backend and row shape ({@linkcode forwardBytesPerRow}).
 */
const measured = new WeakMap<ForwardFunction, Map<string, number>>();

/**
 * The bytes one row's forward pass keeps alive inside `tf.tidy`, plus the row itself
 * (`rowBytes`); `64 · rowBytes` when `forward` rejects a batch of one. A model's forward function
 * allocates by the input shapes alone, so its measure is kept and reused.
 */
function forwardBytesPerRow(forward: ForwardFunction, inputs: tf.Tensor, rowBytes: number): number {
  const fixed = runsFixedGraph(forward);
  const key = `${tf.getBackend()} ${inputs.dtype} ${inputs.shape.slice(1).join(",")}`;
  const known = fixed ? measured.get(forward)?.get(key) : undefined;
  if (known !== undefined) return known;
  let bytes: number;
  try {
    bytes = tf.tidy(() => {
      const row = inputs.slice(0, 1);
      const before = tf.memory().numBytes;
      forward(row);
      return tf.memory().numBytes - before;
    }) + rowBytes;
  } catch {
    return 64 * rowBytes;
  }
  if (fixed) {
    let byShape = measured.get(forward);
    if (byShape === undefined) measured.set(forward, byShape = new Map());
    byShape.set(key, bytes);
  }
  return bytes;
}

/**
 * Rows one chunk may hold by default: as many as fit {@linkcode MEMORY_BUDGET_BYTES} at `cost`,
 * at least 1.
 */
export function budgetRows(cost: RowCost): number {
  return Math.max(1, Math.floor(MEMORY_BUDGET_BYTES / cost.bytesPerRow));
}

/**
 * Bytes the wasm heap can still give a chunk: its maximum less the live tensors and
 * {@linkcode WASM_HEAP_RESERVE_BYTES}. `Infinity` on other backends (the CPU backend's failed
 * allocations are ordinary, recoverable JavaScript errors).
 */
export function availableBytes(): number {
  if (tf.getBackend() !== "wasm") return Infinity;
  return Math.max(0, WASM_HEAP_MAX_BYTES - tf.memory().numBytes - WASM_HEAP_RESERVE_BYTES);
}

/** The chunk size one batching option controls, as checked by {@linkcode assertChunkFits}. */
export interface ChunkRequest {
  /** The option that sets the chunk size (`internalBatchSize`, `perturbationsPerEval` …). */
  option: string;
  /** The value the user passed, or undefined when the default was used. */
  received: number | undefined;
  /** Rows one chunk holds. */
  rows: number;
  /** How many of those rows one unit of the option makes (e.g. N examples per perturbation). */
  rowsPerUnit: number;
  /** The message's start. @default "Cannot compute <method> attributions" */
  prefix?: string;
}

const MIB = 2 ** 20;
const mib = (bytes: number) => `${Math.ceil(bytes / MIB)} MiB`;

/**
 * Throw a `RangeError` naming the option to lower when a chunk of `request.rows` rows at `cost`
 * would not fit in what the heap can still give ({@linkcode availableBytes}); do nothing otherwise.
 */
export function assertChunkFits(method: string, cost: RowCost, request: ChunkRequest): void {
  const needed = request.rows * cost.bytesPerRow;
  const available = availableBytes();
  if (needed <= available) return;
  const { option, received, rows, rowsPerUnit } = request;
  const pass = cost.pass === "gradient" ? "forward and backward" : "forward";
  const fitting = Math.floor(Math.floor(available / cost.bytesPerRow) / rowsPerUnit) * rowsPerUnit;
  const head = `${request.prefix ?? errorPrefix(method)}: a chunk of ${rows} rows needs about ${
    mib(needed)
  } (${mib(cost.bytesPerRow)} per row, ${pass}), more than the ${
    mib(available)
  } the wasm heap can still hold`;
  if (received !== undefined && fitting >= rowsPerUnit) {
    throw new RangeError(
      `${head}, received ${option}=${received}. Lower ${option} (at most ${fitting} rows fit; ` +
        `leave it unset for a default that fits).`,
    );
  }
  throw new RangeError(
    `${head}, received ${rowsPerUnit} rows that must share a pass${
      received === undefined ? "" : ` (${option}=${received})`
    }. Pass fewer examples per call (or smaller inputs).`,
  );
}
