import assert from "node:assert/strict";
import { tf } from "../../lib/mod.ts";
import { toDense } from "../../lib/viz/array_input.ts";

const CONTEXT = "Cannot visualize attributions";

Deno.test("`toDense()` reads nested arrays, shaped arrays and tensors into data and shape", () => {
  assert.deepEqual(toDense([[1, 2], [3, 4]], CONTEXT, "attr"), {
    data: Float64Array.from([1, 2, 3, 4]),
    shape: [2, 2],
  });
  assert.deepEqual(toDense({ data: [1, 2, 3], shape: [3, 1] }, CONTEXT, "attr").shape, [3, 1]);
  const t = tf.tensor3d([[[1], [2]]]);
  assert.deepEqual(toDense(t, CONTEXT, "attr"), {
    data: Float64Array.from([1, 2]),
    shape: [1, 2, 1],
  });
  t.dispose();
  assert.throws(() => toDense(t, CONTEXT, "attr"), /attr is a disposed tensor/);
});

Deno.test("`toDense()` names ragged arrays, non-numbers and mismatched shapes", () => {
  assert.throws(
    () => toDense([[1, 2], [3]], CONTEXT, "attr"),
    /^TypeError: Cannot visualize attributions: attr is ragged: expected an array of length 2 at depth 1/,
  );
  assert.throws(() => toDense([["a"]], CONTEXT, "image"), /image must hold numbers/);
  assert.throws(
    () => toDense({ data: [1, 2], shape: [3] }, CONTEXT, "attr"),
    /attr\.data has 2 values but attr\.shape \[3\] needs 3/,
  );
});
