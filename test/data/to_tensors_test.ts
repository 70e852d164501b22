import assert from "node:assert/strict";
import { sliceSplit, tf, toTensors } from "../../lib/mod.ts";
import { syntheticSplit } from "../_helpers/synthetic_split.ts";

Deno.test("`toTensors()` keeps images and labels aligned: float32 NHWC images, int32 labels", () => {
  const part = sliceSplit(syntheticSplit(20), 15);
  const { xs, ys } = toTensors(part);
  assert.deepEqual(xs.shape, [5, 28, 28, 1]);
  assert.equal(xs.dtype, "float32");
  assert.deepEqual(Array.from(ys.dataSync()), [5, 6, 7, 8, 9]);
  assert.equal(ys.dtype, "int32");
  assert.ok(Math.abs((xs.slice([4, 0, 0, 0], [1, 1, 1, 1]).dataSync()[0]) - 19 / 20) < 1e-7);
  tf.dispose([xs, ys]);
});
