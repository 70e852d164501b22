import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { withGradientOverrides } from "../../../lib/attr/_utils/gradient_override.ts";
import { DECONVOLUTION_RELU, GUIDED_RELU } from "../../../lib/attr/_utils/relu_rules.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";

const reluGrad = (x: tf.Tensor, dy: tf.Tensor) =>
  tf.tidy(() => tf.grad((v: tf.Tensor) => tf.relu(v).mul(dy).sum())(x));

Deno.test("`withGradientOverrides()` applies the guided and deconvolution ReLU rules", () => {
  const x = tf.tensor1d([-1, 2, 3, -4]);
  const dy = tf.tensor1d([1, -1, 2, -2]);
  const plain = reluGrad(x, dy);
  const guided = withGradientOverrides([GUIDED_RELU], () => reluGrad(x, dy));
  const deconv = withGradientOverrides([DECONVOLUTION_RELU], () => reluGrad(x, dy));
  assertAllClose(plain, [0, -1, 2, 0], { atol: 0 });
  assertAllClose(guided, [0, 0, 2, 0], { atol: 0 });
  assertAllClose(deconv, [1, 0, 2, 0], { atol: 0 });
  tf.dispose([x, dy, plain, guided, deconv]);
});

Deno.test("`withGradientOverrides()` restores the original gradient after a throw", () => {
  const original = tf.getGradient("Relu");
  assert.throws(
    () =>
      withGradientOverrides([GUIDED_RELU], () => {
        assert.notEqual(tf.getGradient("Relu"), original);
        throw new Error("inside");
      }),
    /inside/,
  );
  assert.equal(tf.getGradient("Relu"), original);
});
