import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { resolveBaselines } from "../../../lib/attr/_utils/baselines.ts";
import { repeatInterleave, tileBatch } from "../../../lib/attr/_utils/repeat.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";

Deno.test("`resolveBaselines()` broadcasts a scalar, a batch-1 row and a full tensor", () => {
  const x = tf.ones([2, 3]);
  const row = tf.tensor2d([[1, 2, 3]]);
  const made = [
    resolveBaselines("M", x, undefined),
    resolveBaselines("M", x, 0.5),
    resolveBaselines("M", x, row),
  ];
  assertAllClose(made[0], [0, 0, 0, 0, 0, 0], { atol: 0 });
  assertAllClose(made[1], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], { atol: 0 });
  assertAllClose(made[2], [1, 2, 3, 1, 2, 3], { atol: 0 });
  assert.throws(() => resolveBaselines("M", x, tf.zeros([3, 3])), {
    name: "TypeError",
    message:
      /^Cannot compute M attributions: baselines must be a number, a tensor of the inputs' shape \[2, 3\], or one with batch size 1 \[1, 3\], received a float32 tensor of shape \[3, 3\]\./,
  });
  tf.dispose([x, row, ...made]);
});

Deno.test("`resolveBaselines()` calls a baselines function once, resolves its result and disposes what it made", () => {
  const x = tf.ones([2, 3]);
  const held = tf.tensor2d([[1, 2, 3]]);
  let calls = 0;
  const before = tf.memory().numTensors;
  const made = resolveBaselines("M", x, (inputs) => {
    calls++;
    return inputs.mul(2).add(held); // the intermediate inputs·2 is disposed by the tidy
  });
  assert.equal(calls, 1);
  assert.equal(tf.memory().numTensors, before + 1);
  assertAllClose(made, [3, 4, 5, 3, 4, 5], { atol: 0 });
  const fromHeld = resolveBaselines("M", x, () => held);
  assert.ok(!held.isDisposed);
  assertAllClose(fromHeld, [1, 2, 3, 1, 2, 3], { atol: 0 });
  const fromNumber = resolveBaselines("M", x, () => 7);
  assertAllClose(fromNumber, [7, 7, 7, 7, 7, 7], { atol: 0 });
  const count = tf.memory().numTensors;
  assert.throws(() => resolveBaselines("M", x, () => tf.zeros([3, 3])), {
    name: "TypeError",
    message:
      /^Cannot compute M attributions: the value the baselines function returned must be a number, a tensor of the inputs' shape \[2, 3\], or one with batch size 1 \[1, 3\], received a float32 tensor of shape \[3, 3\]\./,
  });
  assert.equal(tf.memory().numTensors, count);
  tf.dispose([x, held, made, fromHeld, fromNumber]);
});

Deno.test("`repeatInterleave()` and `tileBatch()` expand example-major and batch-major", () => {
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const r = repeatInterleave(x, 2);
  const t = tileBatch(x, 2);
  assertAllClose(r, [1, 2, 1, 2, 3, 4, 3, 4], { atol: 0 });
  assertAllClose(t, [1, 2, 3, 4, 1, 2, 3, 4], { atol: 0 });
  tf.dispose([x, r, t]);
});
