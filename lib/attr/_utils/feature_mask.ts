/**
 * Feature masks as Captum's `feature_mask`: a tensor of integer group ids broadcastable to the
 * inputs (batch 1, shared by every example, or batch N), read once on the host.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  attributionRangeError,
  attributionTypeError,
  type TensorArgumentCheck,
  tensorArgumentCheck,
} from "./errors.ts";

/** A feature mask resolved on the host. */
export interface ResolvedFeatureMask {
  /** Group id of every element, `maskBatch × featureSize` values (row-major, as the inputs). */
  ids: Int32Array;
  /** 1 when one mask is shared by every example, else the number of examples. */
  maskBatch: number;
  /** Elements per example (the product of the inputs' non-batch axes). */
  featureSize: number;
  /** Number of groups: the largest id + 1 (after shifting the smallest id to 0). */
  numFeatures: number;
  /** The ids that occur, ascending (per mask row ids may be missing). */
  present: Int32Array;
  /**
   * The elements of each group: `members.subarray(starts[f], starts[f + 1])` are the positions in
   * `ids` (all mask rows) holding id `f`.
   */
  starts: Int32Array;
  /** See `starts`. */
  members: Int32Array;
}

/**
 * Check that `featureMask` is a live tensor broadcastable to `inputs` (same rank; each axis equal
 * or 1, axis 0 being 1 or N).
 *
 * @throws {TypeError} naming `what` (default `featureMask`) otherwise.
 */
export const assertMaskFits: TensorArgumentCheck = tensorArgumentCheck(
  attributionTypeError,
  "featureMask",
  (inputs) => ({
    expected: `a tensor of integer group ids broadcastable to the inputs' shape ` +
      `[${inputs.shape.join(", ")}] (same rank; each axis equal or 1, axis 0 being 1 or ` +
      `${inputs.shape[0]})`,
    fits: (shape) =>
      shape.length === inputs.rank && shape.every((d, i) => d === inputs.shape[i] || d === 1),
    fix: `Pass e.g. tf.tensor([[0, 0, 1]], undefined, 'int32') for inputs of shape [N, 3].`,
    shapeFix: `Give the mask shape [1, ${inputs.shape.slice(1).join(", ")}] (one mask for all ` +
      "examples) or the inputs' shape.",
    live: true,
  }),
);

function groupMembers(ids: Int32Array, numFeatures: number): [Int32Array, Int32Array] {
  const starts = new Int32Array(numFeatures + 1);
  for (let i = 0; i < ids.length; i++) starts[ids[i] + 1]++;
  for (let f = 0; f < numFeatures; f++) starts[f + 1] += starts[f];
  const fill = starts.slice(0, numFeatures);
  const members = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) members[fill[ids[i]]++] = i;
  return [starts, members];
}

/**
 * Resolve `featureMask` for `inputs` ([N, ...]). Without a mask every scalar of an example is its
 * own feature (one shared mask). With a mask, it must have the inputs' rank and every axis equal
 * to the inputs' or 1 (axis 0: 1 or N); ids must be non-negative integers. When `shiftToZero`
 * (Lime, KernelShap, as Captum) the smallest id is subtracted.
 *
 * @throws {TypeError} for a mask that is not a tensor or does not broadcast.
 * @throws {RangeError} for ids that are not non-negative integers.
 */
export function resolveFeatureMask(
  method: string,
  inputs: tf.Tensor,
  featureMask: tf.Tensor | undefined,
  shiftToZero = false,
): ResolvedFeatureMask {
  const rowShape = inputs.shape.slice(1);
  const featureSize = rowShape.reduce((a, b) => a * b, 1);
  if (featureMask === undefined) {
    const ids = new Int32Array(featureSize);
    for (let i = 0; i < featureSize; i++) ids[i] = i;
    const [starts, members] = groupMembers(ids, featureSize);
    return {
      ids,
      maskBatch: 1,
      featureSize,
      numFeatures: featureSize,
      present: ids.slice(),
      starts,
      members,
    };
  }
  assertMaskFits(method, inputs, featureMask);
  const ms = featureMask.shape as number[];
  const maskBatch = ms[0];
  const full = tf.tidy(() =>
    tf.broadcastTo(featureMask.toFloat(), [maskBatch, ...rowShape]).dataSync()
  );
  const ids = new Int32Array(full.length);
  let min = Infinity;
  for (let i = 0; i < full.length; i++) {
    const v = full[i];
    if (!Number.isInteger(v) || v < 0) {
      throw attributionRangeError(
        method,
        "featureMask",
        "non-negative integer group ids",
        v,
        "Number the feature groups 0, 1, 2, … (e.g. with tf.tensor(ids, shape, 'int32')).",
      );
    }
    ids[i] = v;
    if (v < min) min = v;
  }
  if (shiftToZero && min > 0) { for (let i = 0; i < ids.length; i++) ids[i] -= min; }
  let max = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] > max) max = ids[i];
  const seen = new Uint8Array(max + 1);
  for (let i = 0; i < ids.length; i++) seen[ids[i]] = 1;
  const presentList: number[] = [];
  for (let f = 0; f <= max; f++) if (seen[f]) presentList.push(f);
  const [starts, members] = groupMembers(ids, max + 1);
  return {
    ids,
    maskBatch,
    featureSize,
    numFeatures: max + 1,
    present: Int32Array.from(presentList),
    starts,
    members,
  };
}
