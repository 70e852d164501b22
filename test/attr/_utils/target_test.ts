import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { expandTarget, selectTarget, validateTarget } from "../../../lib/attr/_utils/target.ts";
import { repeatTarget } from "../../../lib/attr/_utils/repeat.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";

Deno.test("`selectTarget()` picks a class, one class per example, or a function's value", () => {
  const out = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const one = selectTarget("M", out, 2);
  assertAllClose(one, [3, 6], { atol: 0 });
  const each = selectTarget("M", out, [0, 1]);
  assertAllClose(each, [1, 5], { atol: 0 });
  const fn = selectTarget("M", out, (o) => o.sum(1));
  assertAllClose(fn, [6, 15], { atol: 0 });
  assert.throws(() => validateTarget("M", -1, 2), RangeError);
  assert.throws(() => validateTarget("M", [1], 2), RangeError);
  tf.dispose([out, one, each, fn]);
});

Deno.test("`expandTarget()` tiles step-major and `repeatTarget()` repeats example-major", () => {
  assert.deepEqual(expandTarget([1, 2], 3), [1, 2, 1, 2, 1, 2]);
  assert.deepEqual(repeatTarget([1, 2], 3), [1, 1, 1, 2, 2, 2]);
  assert.equal(repeatTarget(4, 3), 4);
});
