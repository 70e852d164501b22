import assert from "node:assert/strict";
import { Occlusion, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const sum = (x: tf.Tensor) => x.reshape([x.shape[0], -1]).sum(1);

Deno.test("`Occlusion.attribute()` averages overlapping 1-D windows", async () => {
  const attr = await new Occlusion(sum).attribute(tf.tensor2d([[1, 2, 3]]), {
    slidingWindowShapes: [2],
  });
  assertAllClose(attr, [[3, 4, 5]]);
});

Deno.test("`Occlusion.attribute()` cuts the last window short at the edge", async () => {
  // Length 5, window 2, stride 2: ceil((5 − 2) / 2) + 1 = 3 windows, [0,2) [2,4) [4,5).
  const attr = await new Occlusion(sum).attribute(tf.tensor2d([[1, 2, 3, 4, 5]]), {
    slidingWindowShapes: [2],
    strides: 2,
  });
  assertAllClose(attr, [[3, 3, 7, 7, 5]]);
});

Deno.test("`Occlusion.attribute()` on a 3×3 NHWC image with 2×2 windows", async () => {
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const attr = await new Occlusion(sum).attribute(x, {
    slidingWindowShapes: [2, 2, 1],
    strides: [1, 1, 1],
  });
  // Window sums 12, 16 / 24, 28; each pixel averages the windows covering it.
  assertAllClose(attr, tf.tensor4d([12, 14, 16, 18, 20, 22, 24, 26, 28], [1, 3, 3, 1]));
});

Deno.test("`Occlusion.attribute()` uses baselines and per-example targets", async () => {
  const model = (x: tf.Tensor) => tf.concat([x.sum(1, true), x.sum(1, true).mul(-2)], 1);
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const attr = await new Occlusion(model).attribute(x, {
    slidingWindowShapes: [1],
    baselines: 1,
    target: [0, 1],
  });
  assertAllClose(attr, [[0, 1, 2], [-6, -8, -10]]);
});

Deno.test("`Occlusion.attribute()` does not depend on perturbationsPerEval", async () => {
  const w = tf.tensor2d([[1, -2], [3, 4], [0.5, 1], [-1, 2], [2, 2], [1, 0]]);
  const model = (x: tf.Tensor) => tf.relu(x.matMul(w));
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [-1, 0, 2, 1, 0, 3]]);
  const opts = { slidingWindowShapes: [3], strides: 2, target: 1 };
  const a = await new Occlusion(model).attribute(x, { ...opts, perturbationsPerEval: 1 });
  const b = await new Occlusion(model).attribute(x, opts);
  assertAllClose(a, b);
});

Deno.test("`Occlusion.attribute()` leaks no tensors, even when it throws", async () => {
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const model = (t: tf.Tensor) => tf.concat([sum(t).expandDims(1), sum(t).expandDims(1)], 1);
  const occlusion = new Occlusion(model);
  await assertNoLeak(() =>
    occlusion.attribute(x, { slidingWindowShapes: [2, 2, 1], strides: 1, target: 1 })
  );
  const before = tf.memory().numTensors;
  await assert.rejects(
    occlusion.attribute(x, { slidingWindowShapes: [2, 2, 1], target: 5 }),
    RangeError,
  );
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("`Occlusion.attribute()` rejects bad windows and strides", async () => {
  const occlusion = new Occlusion(sum);
  const x = tf.zeros([1, 4, 4, 1]);
  await assert.rejects(
    occlusion.attribute(x, { slidingWindowShapes: [5, 2, 1] }),
    {
      name: "RangeError",
      message:
        /^Cannot compute Occlusion attributions: slidingWindowShapes\[0\] must be an integer in \[1, 4\] \(the window cannot be larger than the input's axis 1 of length 4\), received 5\. Use a smaller window\.$/,
    },
  );
  await assert.rejects(
    occlusion.attribute(x, { slidingWindowShapes: [2, 2] }),
    { name: "TypeError", message: /slidingWindowShapes must be an array of 3 window extents/ },
  );
  await assert.rejects(
    occlusion.attribute(x, { slidingWindowShapes: [2, 2, 1], strides: [3, 1, 1] }),
    { name: "RangeError", message: /strides\[0\] must be at most the window's extent 2/ },
  );
  await assert.rejects(
    occlusion.attribute(x, { slidingWindowShapes: [2, 2, 1], strides: 0 }),
    { name: "RangeError", message: /strides must be a positive integer, received 0/ },
  );
  await assert.rejects(
    occlusion.attribute(x, { slidingWindowShapes: [2, 2, 1], perturbationsPerEval: 0 }),
    { name: "RangeError", message: /perturbationsPerEval must be a positive integer/ },
  );
  await assert.rejects(
    occlusion.attribute(x, { slidingWindowShapes: [2, 2, 1], baselines: tf.zeros([2, 2]) }),
    { name: "TypeError", message: /baselines must be/ },
  );
});
