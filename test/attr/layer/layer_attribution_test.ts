import assert from "node:assert/strict";
import { INTERPOLATE_MODES, type InterpolateMode, LayerAttribution, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak, relativeMaxError } from "../../_helpers/tensor_asserts.ts";

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
    () => LayerAttribution.interpolate(cam, [4, 4], "trilinear" as "nearest"),
    /mode must be one of "nearest", "linear", "bilinear", "bicubic", "area"/,
  );
});

Deno.test("`LayerAttribution.interpolate()` returns a new tensor at the same size and leaks nothing", async () => {
  assert.deepEqual(INTERPOLATE_MODES, ["nearest", "linear", "bilinear", "bicubic", "area"]);
  const cam = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  for (const mode of ["nearest", "bilinear", "bicubic", "area"] as const) {
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

interface InterpolateCase {
  mode: InterpolateMode;
  size: number[];
  input: { shape: number[]; values: number[] };
  expected: { shape: number[]; values: number[] };
}

const pytorchCases = (JSON.parse(
  Deno.readTextFileSync(new URL("../../../fixtures/pytorch/interpolate.json", import.meta.url)),
) as { cases: InterpolateCase[] }).cases;

Deno.test("`LayerAttribution.interpolate()` matches PyTorch's interpolate on 4-D and 3-D maps (every mode, ≤ 1e-5)", () => {
  assert.equal(pytorchCases.length, 35);
  let worst = 0;
  for (const { mode, size, input, expected } of pytorchCases) {
    const message = `${mode} [${input.shape}] → [${size}]`;
    const x = tf.tensor(input.values, input.shape);
    const y = LayerAttribution.interpolate(x, size, mode);
    assert.deepEqual(y.shape, expected.shape, message);
    assertAllClose(y, expected.values, { rtol: 0, atol: 1e-5, message });
    worst = Math.max(worst, relativeMaxError(y, expected.values));
    tf.dispose([x, y]);
  }
  assert.ok(worst < 1e-6, `worst relative error ${worst}`);
});

Deno.test("`LayerAttribution.interpolate()` resizes 3-D maps and refuses modes PyTorch refuses for the rank", async () => {
  const seq = tf.tensor3d([1, 2, 3, 4], [1, 4, 1]);
  // Area halves by averaging pairs; bicubic on a constant map stays constant.
  assertAllClose(LayerAttribution.interpolate(seq, [2], "area"), [1.5, 3.5]);
  assertAllClose(
    LayerAttribution.interpolate(tf.fill([1, 3, 3, 2], 7), [5, 4], "bicubic"),
    tf.fill([1, 5, 4, 2], 7),
    { atol: 1e-5 },
  );
  await assertNoLeak(() => LayerAttribution.interpolate(seq, [7], "linear"));
  const map = tf.ones([2, 3, 3, 2]);
  await assertNoLeak(() => LayerAttribution.interpolate(map, [4, 5], "area"));
  assert.throws(
    () => LayerAttribution.interpolate(seq, [4, 4]),
    /^TypeError: Cannot compute LayerAttribution\.interpolate attributions: size must be one positive integer \[length\]/,
  );
  assert.throws(
    () => LayerAttribution.interpolate(seq, [8], "bicubic"),
    /^RangeError: Cannot compute LayerAttribution\.interpolate attributions: mode must be one of "nearest", "linear", "area" for a 3-D map \(as PyTorch's interpolate\), received "bicubic"\. Use "linear" for a 3-D map\./,
  );
  assert.throws(
    () => LayerAttribution.interpolate(tf.ones([1, 2, 2, 1]), [4, 4], "linear"),
    /mode must be one of "nearest", "bilinear", "bicubic", "area" for a 4-D map/,
  );
});
