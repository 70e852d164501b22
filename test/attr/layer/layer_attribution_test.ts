import assert from "node:assert/strict";
import { INTERPOLATE_MODES, LayerAttribution, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";

Deno.test("`LayerAttribution.interpolate()` resizes as PyTorch's nearest and bilinear", () => {
  const cam = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const nearest = LayerAttribution.interpolate(cam, [4, 4]);
  assertAllClose(nearest, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  // PyTorch bilinear, align_corners=False: half-pixel centres, clamped at the borders.
  const bilinear = LayerAttribution.interpolate(cam, [4, 4], "bilinear");
  assertAllClose(bilinear, [
    1,
    1.25,
    1.75,
    2,
    1.5,
    1.75,
    2.25,
    2.5,
    2.5,
    2.75,
    3.25,
    3.5,
    3,
    3.25,
    3.75,
    4,
  ], { atol: 1e-6 });
  assert.throws(() => LayerAttribution.interpolate(tf.ones([2, 2]), [4, 4]), TypeError);
  assert.throws(
    () => LayerAttribution.interpolate(cam, [4, 4], "bicubic" as "nearest"),
    /mode must be one of "nearest", "bilinear"/,
  );
});

Deno.test("`LayerAttribution.interpolate()` returns a new tensor at the same size and leaks nothing", async () => {
  assert.deepEqual(INTERPOLATE_MODES, ["nearest", "bilinear"]);
  const cam = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  for (const mode of INTERPOLATE_MODES) {
    const same = LayerAttribution.interpolate(cam, [2, 2], mode);
    assert.notEqual(same, cam, mode);
    assertAllClose(same, cam, { atol: 0, message: mode });
    same.dispose();
    await assertNoLeak(() => LayerAttribution.interpolate(cam, [3, 5], mode), mode);
  }
  const wide = LayerAttribution.interpolate(cam, [3, 5]);
  assert.deepEqual(wide.shape, [1, 3, 5, 1]);
  wide.dispose();
  assert.throws(
    () => LayerAttribution.interpolate(cam, [0, 4]),
    /^TypeError: Cannot compute LayerAttribution\.interpolate attributions: size must be two positive integers \[height, width\]/,
  );
  cam.dispose();
});
