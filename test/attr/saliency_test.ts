import assert from "node:assert/strict";
import { Saliency, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/** Captum's BasicModel: 1 − relu(1 − x), one output per input element (summed per example). */
const basicModel = (x: tf.Tensor) => tf.scalar(1).sub(tf.relu(tf.scalar(1).sub(x)));

Deno.test("`Saliency.attribute()` matches Captum's BasicModel closed form", async () => {
  const x = tf.tensor2d([[1, 2, 3, 0, -1, 7]]);
  const saliency = new Saliency((v: tf.Tensor) => basicModel(v).sum(1, true));
  const attr = await saliency.attribute(x);
  assertAllClose(attr, [0, 0, 0, 1, 1, 0], { atol: 0 });
  tf.dispose([x, attr]);
});

Deno.test("`Saliency.attribute()` returns |∇| by default and the signed gradient with abs false", async () => {
  const x = tf.tensor2d([[1, -2], [3, 0.5]]);
  const saliency = new Saliency((v: tf.Tensor) => v.mul(tf.tensor2d([[2, -3]])).sum(1, true));
  const abs = await saliency.attribute(x);
  assertAllClose(abs, [2, 3, 2, 3], { atol: 0 });
  const signed = await saliency.attribute(x, { abs: false });
  assertAllClose(signed, [2, -3, 2, -3], { atol: 0 });
  await assertNoLeak(() => saliency.attribute(x));
  await assert.rejects(saliency.attribute(x, { abs: "yes" as never }), {
    name: "TypeError",
    message:
      'Cannot compute Saliency attributions: abs must be a boolean, received "yes". Pass true or false.',
  });
  tf.dispose([x, abs, signed]);
});

Deno.test("`Saliency.attribute()` selects one target per example", async () => {
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  // Output [N, 2]: class 0 = 5·x0, class 1 = 7·x1.
  const saliency = new Saliency((v: tf.Tensor) => v.mul(tf.tensor2d([[5, 7]])));
  const attr = await saliency.attribute(x, { target: [1, 0] });
  assertAllClose(attr, [0, 7, 5, 0], { atol: 0 });
  tf.dispose([x, attr]);
});
