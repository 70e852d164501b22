/**
 * A feature mask that groups an image's pixels into square (or rectangular) superpixels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * A `featureMask` for images of `shape` that splits each image into a grid of
 * `cellHeight × cellWidth` blocks ("superpixels"): every pixel holds the id of its block,
 * numbered row by row from 0, and all channels of a pixel share its id. Blocks on the bottom
 * and right edges are cut short when the cell size does not divide the image.
 *
 * The mask has shape `[1, height, width, channels]` (int32), so one mask serves every example
 * of a batch. Pass it as `featureMask` to `FeatureAblation`, `ShapleyValueSampling`,
 * `KernelShap` or `Lime` to perturb whole blocks instead of single pixels: there are then
 * `ceil(height / cellHeight) · ceil(width / cellWidth)` features.
 *
 * @example
 * ```ts
 * import { gridFeatureMask } from "../mod.ts";
 * const mask = gridFeatureMask([1, 5, 5, 1], 2); // 3 × 3 blocks, the last row/column 1 pixel wide
 * console.log(mask.shape); // [1, 5, 5, 1]
 * console.log((mask.squeeze().arraySync() as number[][])[4]); // [6, 6, 7, 7, 8]
 * mask.dispose();
 * ```
 *
 * @param shape The images' shape: `[batch, height, width, channels]` (NHWC, the batch size is
 * ignored), `[height, width, channels]`, or `[height, width]` (one channel).
 * @param cellSize The block size in pixels: one number for square blocks, or
 * `[cellHeight, cellWidth]`.
 * @returns An int32 tensor `[1, height, width, channels]` of block ids; the caller disposes it.
 * @throws {TypeError} if `shape` is not 2, 3 or 4 positive integers, or `cellSize` is neither a
 * number nor a pair. @throws {RangeError} if a cell side is not a positive integer.
 */
export function gridFeatureMask(
  shape: readonly number[],
  cellSize: number | readonly [number, number],
): tf.Tensor4D {
  const what = "Cannot build a grid feature mask";
  if (
    !Array.isArray(shape) || shape.length < 2 || shape.length > 4 ||
    !shape.every((d) => Number.isInteger(d) && d >= 1)
  ) {
    throw new TypeError(
      `${what}: shape must be [batch, height, width, channels], [height, width, channels] or ` +
        `[height, width] of positive integers, received ${JSON.stringify(shape)}. ` +
        "Pass the images' shape, e.g. image.shape.",
    );
  }
  const [height, width, channels] = shape.length === 4
    ? [shape[1], shape[2], shape[3]]
    : [shape[0], shape[1], shape[2] ?? 1];
  const cell = typeof cellSize === "number" ? [cellSize, cellSize] : cellSize;
  if (!Array.isArray(cell) || cell.length !== 2) {
    throw new TypeError(
      `${what}: cellSize must be a number or [cellHeight, cellWidth], received ` +
        `${JSON.stringify(cellSize)}. Pass e.g. 4 or [4, 2].`,
    );
  }
  const [cellHeight, cellWidth] = cell;
  for (const [name, v] of [["cellHeight", cellHeight], ["cellWidth", cellWidth]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `${what}: cellSize's ${name} must be a positive integer, received ${v}. Pass e.g. 4.`,
      );
    }
  }
  const columns = Math.ceil(width / cellWidth);
  const ids = new Int32Array(height * width * channels);
  let i = 0;
  for (let r = 0; r < height; r++) {
    const rowBase = Math.floor(r / cellHeight) * columns;
    for (let c = 0; c < width; c++) {
      const id = rowBase + Math.floor(c / cellWidth);
      for (let ch = 0; ch < channels; ch++) ids[i++] = id;
    }
  }
  return tf.tensor4d(ids, [1, height, width, channels], "int32");
}
