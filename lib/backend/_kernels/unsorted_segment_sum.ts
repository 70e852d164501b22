/**
 * `UnsortedSegmentSum` for the wasm backend (the gradient of `gather`): rows of `x` summed into
 * `numSegments` buckets by `segmentIds`; ids outside `[0, numSegments)` are dropped.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import {
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
  type UnsortedSegmentSumInputs,
} from "@tensorflow/tfjs-core";
import { heapView, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";

function unsortedSegmentSum(
  { inputs: { x, segmentIds }, attrs: { numSegments }, backend }: WasmKernelArgs<
    UnsortedSegmentSumInputs,
    UnsortedSegmentSumAttrs
  >,
): tf.TensorInfo {
  const idRank = segmentIds.shape.length;
  const rowShape = x.shape.slice(idRank);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const nIds = segmentIds.shape.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  const dst = heapView(backend, out);
  const src = heapView(backend, x);
  const ids = heapView(backend, segmentIds);
  dst.fill(0);
  for (let i = 0; i < nIds; i++) {
    const id = ids[i];
    if (id < 0 || id >= numSegments) continue;
    const s = i * rowSize;
    const d = id * rowSize;
    for (let k = 0; k < rowSize; k++) dst[d + k] += src[s + k];
  }
  return out;
}

/** `UnsortedSegmentSum` on `wasm`. */
export const unsortedSegmentSumKernel = wasmKernel(
  UnsortedSegmentSum,
  unsortedSegmentSum,
);
