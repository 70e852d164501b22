import { decode } from "fast-png";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { figureMimeBundle } from "../../lib/mod.ts";

/** The figure's image/png rendering, decoded. */
export function pngOf(fig: Parameters<typeof figureMimeBundle>[0]) {
  const b64 = figureMimeBundle(fig, { includePlotly: false })["image/png"];
  assert.ok(b64, "the bundle has no image/png");
  return decode(Buffer.from(b64, "base64"));
}

/** A [2, 2, 1] attribution map with both signs, and an image of the same shape. */
export const ATTR = [[[1], [-2]], [[3], [-4]]];
/** The image the figure tests draw `ATTR` over. */
export const IMAGE = [[[0], [0.5]], [[0.75], [1]]];
