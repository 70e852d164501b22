/**
 * PNG encoding of RGBA rasters (npm `fast-png`), for the `image/png` rendering of figures.
 *
 * @module
 */
import { encode } from "fast-png";
import { Buffer } from "node:buffer";

/** An RGBA image: `width * height * 4` bytes, row-major. */
export interface RgbaRaster {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * Encode an RGBA raster as PNG bytes.
 *
 * @example
 * ```ts
 * import { encodePng } from "../mod.ts";
 * const png = encodePng({ width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]) });
 * console.log(png.length > 0); // true
 * ```
 *
 * @throws {TypeError} if `data.length` is not `width * height * 4`.
 */
export function encodePng(raster: RgbaRaster): Uint8Array {
  const { width, height, data } = raster;
  if (data.length !== width * height * 4) {
    throw new TypeError(
      `Cannot encode a PNG: data must hold width * height * 4 = ${width * height * 4} RGBA ` +
        `bytes, received ${data.length}. Pass an RGBA raster.`,
    );
  }
  const bytes = data instanceof Uint8Array
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.length);
  return encode({ width, height, data: bytes, channels: 4, depth: 8 });
}

/** Base64 of `bytes` (as MIME bundles carry images). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
