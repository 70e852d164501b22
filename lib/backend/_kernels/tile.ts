/**
 * `Tile` for the wasm backend as block copies: the stock kernel computes every output element's
 * source index (~85 ns per element: repeating one 28×28 image 5 times took 0.33 ms, longer than a
 * convolution). Here the input is copied once and each repeated axis, innermost first, is
 * expanded by copying whole contiguous blocks (`copyWithin`): ~12 µs for the same call.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { Tile, type TileAttrs, type TileInputs } from "@tensorflow/tfjs-core";
import { runKernel, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";

function tile(args: WasmKernelArgs<TileInputs, TileAttrs>): tf.TensorInfo {
  const { inputs: { x }, attrs: { reps }, backend } = args;
  if (x.dtype === "string" || reps.length !== x.shape.length) {
    return runKernel(Tile, args, { x }, { reps });
  }
  const rank = x.shape.length;
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  const dst = backend.typedArrayFromHeap(out);
  if (dst.length === 0) return out;
  // Layout while expanding: axes < i keep the input's sizes, axes ≥ i are already tiled. Each
  // expansion walks the prefix blocks from the last, so no block is overwritten before it is read.
  const current = [...x.shape];
  dst.set(backend.typedArrayFromHeap(x));
  for (let i = rank - 1; i >= 0; i--) {
    if (reps[i] === 1) continue;
    const block = current.slice(i).reduce((p, q) => p * q, 1);
    const prefix = current.slice(0, i).reduce((p, q) => p * q, 1);
    for (let p = prefix - 1; p >= 0; p--) {
      const src = p * block;
      const base = p * block * reps[i];
      for (let r = reps[i] - 1; r >= 0; r--) dst.copyWithin(base + r * block, src, src + block);
    }
    current[i] *= reps[i];
  }
  return out;
}

/** `Tile` on `wasm` (block copies). */
export const tileKernel = wasmKernel(Tile, tile);
