import { LayerFeatureAblation, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel, residualModel } from "./_models.ts";

Deno.test("`LayerFeatureAblation.attribute()` ablates activations; inputs reach bypass branches", async () => {
  // On "relu" of MultiLayer: out0 = Σ relu − 1, so ablating a unit to 0 removes its activation.
  const model = multiLayerModel();
  const x = tf.tensor2d([[20, 50, 30]]);
  const lfa = new LayerFeatureAblation(model, "relu");
  const attr = await lfa.attribute(x, { target: 0 });
  assertAllClose(attr, [90, 101, 101, 101], { atol: 1e-4 });
  const grouped = await lfa.attribute(x, {
    target: 0,
    layerMask: tf.tensor2d([[0, 0, 1, 1]], [1, 4], "int32"),
  });
  assertAllClose(grouped, [191, 191, 202, 202], { atol: 1e-4 });
  // On a branch layer of the residual model: equals F(x) − F(x with the unit zeroed) by hand.
  const res = residualModel();
  const xr = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 8);
  const mask = tf.tensor4d(
    Array.from({ length: 75 }, (_, i) => i % 3),
    [1, 5, 5, 3],
    "int32",
  );
  const out = await new LayerFeatureAblation(res, "conv_b").attribute(xr, {
    target: 2,
    layerMask: mask,
    perturbationsPerEval: 2,
  });
  const rest = (v: tf.Tensor, convA: tf.Tensor) =>
    res.getLayer("dense").apply(
      res.getLayer("flatten").apply(
        res.getLayer("relu_add").apply(v.add(convA)) as tf.Tensor,
      ),
    ) as tf.Tensor;
  const convA = res.getLayer("conv_a").apply(xr) as tf.Tensor;
  const convB = res.getLayer("conv_b").apply(res.getLayer("relu_a").apply(convA)) as tf.Tensor;
  const f = rest(convB, convA).slice([0, 2], [-1, 1]).reshape([2]);
  const channel = tf.tensor4d([1, 0, 0], [1, 1, 1, 3]);
  const ablated = rest(convB.mul(tf.scalar(1).sub(channel)), convA).slice([0, 2], [-1, 1])
    .reshape([2]);
  const expected = f.sub(ablated);
  assertAllClose(out.slice([0, 0, 0, 0], [-1, 1, 1, 1]).reshape([2]), expected, {
    rtol: 1e-4,
    atol: 1e-5,
  });
  await assertNoLeak(() => lfa.attribute(x, { target: 0 }));
});
