import assert from "node:assert/strict";
import { InputXGradient, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

Deno.test("`InputXGradient.attribute()` multiplies the inputs by the gradient", async () => {
  const x = tf.tensor2d([[1, 2], [-1, 3]]);
  const ixg = new InputXGradient((v: tf.Tensor) => v.square().sum(1, true));
  const attr = await ixg.attribute(x);
  assertAllClose(attr, [2, 8, 2, 18], { atol: 1e-6 });
  await assertNoLeak(() => ixg.attribute(x));
  await assert.rejects(ixg.attribute(tf.tensor1d([1, 2])), {
    name: "TypeError",
    message:
      /^Cannot compute InputXGradient attributions: inputs must be a batch with at least 2 dimensions/,
  });
  tf.dispose([x, attr]);
});
