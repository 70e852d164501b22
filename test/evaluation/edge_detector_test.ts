import assert from "node:assert/strict";
import { edgeDetector, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [3, 3, 1] })] });

Deno.test("`edgeDetector()` is the Sobel gradient magnitude, whatever the model and target", async () => {
  // A vertical step: at the centre, Sobel x = (1 + 2 + 1)·1 = 4, Sobel y = 0 → 4.
  const x = tf.tensor4d([0, 0, 1, 0, 0, 1, 0, 0, 1], [1, 3, 3, 1]);
  const a = await edgeDetector(model, x, [0]);
  const b = await edgeDetector(model, x, [5]);
  assert.deepEqual(a.shape, [1, 3, 3, 1]);
  assertAllClose([a.dataSync()[4]], [4]);
  assertAllClose(a, b);
  tf.dispose([x, a, b]);
});

Deno.test("`edgeDetector()` leaks nothing and pins its errors", async () => {
  const x = tf.ones([2, 3, 3, 2]);
  await assertNoLeak(() => edgeDetector(model, x, [0, 0]));
  await assert.rejects(edgeDetector(model, tf.ones([1, 9]), [0]), {
    name: "TypeError",
    message:
      /^Cannot compute edgeDetector: inputs must be NHWC images \[N, H, W, C\], received a float32 tensor of shape \[1, 9\]/,
  });
  x.dispose();
});
