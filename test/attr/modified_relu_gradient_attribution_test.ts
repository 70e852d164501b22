import assert from "node:assert/strict";
import {
  Deconvolution,
  GuidedBackprop,
  ModifiedReluGradientAttribution,
  tf,
} from "../../lib/mod.ts";
import type { GradientOverride } from "../../lib/attr/_utils/gradient_override.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

/** A rule that doubles the gradient at every ReLU, whatever its input. */
const DOUBLE: GradientOverride = {
  kernelName: "Relu",
  gradFunc: (dy) => ({ x: () => (dy as tf.Tensor).mul(2) }),
};

class Doubled extends ModifiedReluGradientAttribution {
  constructor(model: (x: tf.Tensor) => tf.Tensor) {
    super(model, DOUBLE);
  }
}

Deno.test("`ModifiedReluGradientAttribution.attribute()` applies its ReLU rule and restores the gradient", async () => {
  // F = Σ relu(x)·w: the plain gradient is w·1[x > 0]; doubled at the ReLU it is 2w everywhere.
  const w = tf.tensor2d([[1, -3]]);
  const model = (x: tf.Tensor) => tf.relu(x).mul(w).sum(1, true);
  const x = tf.tensor2d([[2, -1]]);
  const doubled = await new Doubled(model).attribute(x);
  assertAllClose(doubled, [2, -6], { atol: 0 });
  const plain = tf.grad((v: tf.Tensor) => model(v).sum())(x);
  assertAllClose(plain, [1, 0], { atol: 0 });
  await assertNoLeak(() => new Doubled(model).attribute(x));
  for (const e of [new GuidedBackprop(model), new Deconvolution(model)]) {
    assert.ok(e instanceof ModifiedReluGradientAttribution, e.methodName);
  }
  await assert.rejects(() => new Doubled(model).attribute(x, { target: 3 }), {
    name: "RangeError",
    message: /^Cannot compute Doubled attributions: target/,
  });
  tf.dispose([w, x, doubled, plain]);
});
