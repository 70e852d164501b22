import { InternalInfluence, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel, residualModel } from "./_models.ts";

Deno.test("`InternalInfluence.attribute()` integrates the layer gradient along the input path", async () => {
  const model = multiLayerModel();
  const x = tf.tensor2d([[0, 100, 0]]);
  const ii = new InternalInfluence(model, "linear1");
  const attr = await ii.attribute(x, { target: 0, nSteps: 100, method: "riemann_trapezoid" });
  // ∂out0/∂linear1 = relu'(unit): unit 0 active for α > 0.1, others always; trapezoid weights sum
  // to (n − 1)/n over [0, 1].
  assertAllClose(attr, [0.9 - 0.005, 0.99, 0.99, 0.99], { atol: 1e-3 });
  const model2 = residualModel();
  const x2 = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 9);
  const ii2 = new InternalInfluence(model2, "conv_b");
  const all = await ii2.attribute(x2, { target: 0, nSteps: 6 });
  const chunked = await ii2.attribute(x2, { target: 0, nSteps: 6, internalBatchSize: 4 });
  assertAllClose(chunked, all, { rtol: 1e-4, atol: 1e-6 });
  await assertNoLeak(() => ii2.attribute(x2, { target: 0, nSteps: 3 }));
});
