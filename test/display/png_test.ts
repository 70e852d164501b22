import assert from "node:assert/strict";
import { decode } from "fast-png";
import { Buffer } from "node:buffer";
import { encodePng } from "../../lib/mod.ts";
import { toBase64 } from "../../lib/display/png.ts";

Deno.test("`encodePng()` round-trips an RGBA raster through a PNG decoder", () => {
  const data = new Uint8ClampedArray([255, 0, 0, 255, 0, 128, 255, 64]);
  const png = decode(encodePng({ width: 2, height: 1, data }));
  assert.equal(png.width, 2);
  assert.equal(png.height, 1);
  assert.equal(png.channels, 4);
  assert.deepEqual(Array.from(png.data), Array.from(data));
});

Deno.test("`encodePng()` rejects data that is not width × height × 4 bytes, naming both", () => {
  assert.throws(
    () => encodePng({ width: 2, height: 2, data: new Uint8Array(12) }),
    (e: unknown) =>
      e instanceof TypeError &&
      /must hold width \* height \* 4 = 16 RGBA bytes, received 12\. Pass an RGBA raster\./
        .test(e.message),
  );
});

Deno.test("`toBase64()` encodes a view of a larger buffer, not the whole buffer", () => {
  const bytes = new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4);
  assert.equal(toBase64(bytes), Buffer.from([1, 2, 3]).toString("base64"));
});
