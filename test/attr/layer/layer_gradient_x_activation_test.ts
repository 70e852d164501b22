import assert from "node:assert/strict";
import { LayerGradientXActivation, tf } from "../../../lib/mod.ts";
import { assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { residualModel } from "./_models.ts";

Deno.test("`LayerGradientXActivation.attribute()` rejects an out-of-range target and leaks nothing", async () => {
  const model = residualModel();
  const x = tf.randomNormal([1, 5, 5, 2], 0, 1, "float32", 9);
  await assertNoLeak(async () => {
    await assert.rejects(
      () => new LayerGradientXActivation(model, "add").attribute(x, { target: 7 }),
      RangeError,
    );
  });
  x.dispose();
});
