import assert from "node:assert/strict";
import { approximationParameters, gaussLegendre } from "../../../lib/attr/_utils/approximation.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";

Deno.test("`approximationParameters()` gives Captum's Gauss–Legendre values for n = 2 and 4", () => {
  const two = approximationParameters("IntegratedGradients", "gausslegendre", 2);
  assertAllClose(two.alphas, [0.211325, 0.788675], { atol: 1e-6 });
  assertAllClose(two.weights, [0.5, 0.5], { atol: 1e-12 });
  const four = approximationParameters("IntegratedGradients", "gausslegendre", 4);
  assertAllClose(four.alphas, [0.069432, 0.330009, 0.669991, 0.930568], { atol: 1e-6 });
  assertAllClose(four.weights, [0.173927, 0.326073, 0.326073, 0.173927], { atol: 1e-6 });
  const fifty = gaussLegendre(50);
  assert.ok(Math.abs(fifty.weights.reduce((a, b) => a + b, 0) - 2) < 1e-12);
});

Deno.test("`approximationParameters()` gives Captum's Riemann rules", () => {
  const trap = approximationParameters("IntegratedGradients", "riemann_trapezoid", 3);
  assertAllClose(trap.alphas, [0, 0.5, 1], { atol: 1e-12 });
  assertAllClose(trap.weights, [1 / 6, 1 / 3, 1 / 6], { atol: 1e-12 });
  const left = approximationParameters("IntegratedGradients", "riemann_left", 4);
  assertAllClose(left.alphas, [0, 0.25, 0.5, 0.75], { atol: 1e-12 });
  const right = approximationParameters("IntegratedGradients", "riemann_right", 4);
  assertAllClose(right.alphas, [0.25, 0.5, 0.75, 1], { atol: 1e-12 });
  const middle = approximationParameters("IntegratedGradients", "riemann_middle", 4);
  assertAllClose(middle.alphas, [0.125, 0.375, 0.625, 0.875], { atol: 1e-12 });
  assertAllClose(middle.weights, [0.25, 0.25, 0.25, 0.25], { atol: 1e-12 });
  assert.throws(() => approximationParameters("IntegratedGradients", "riemann_left", 0), {
    name: "RangeError",
    message:
      "Cannot compute IntegratedGradients attributions: nSteps must be a positive integer, received 0. Pass nSteps >= 1.",
  });
});
