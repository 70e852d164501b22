import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import {
  assertChunkFits,
  availableBytes,
  budgetRows,
  GRADIENT_ROW_FACTOR,
  MEMORY_BUDGET_BYTES,
  rowCost,
  WASM_HEAP_MAX_BYTES,
  WASM_HEAP_RESERVE_BYTES,
} from "../../../lib/attr/_utils/memory_budget.ts";
import { toForwardFunction } from "../../../lib/attr/_utils/forward.ts";

const MIB = 2 ** 20;

Deno.test("`rowCost()` measures what one row's forward pass keeps alive, ×3 for gradients, and frees it", () => {
  const inputs = tf.zeros([4, 256]); // 1 KiB per row
  // Two 1 KiB intermediates per row: x·2 and (x·2)+1.
  const forward = (x: tf.Tensor) => x.mul(2).add(1);
  const before = tf.memory().numTensors;
  const fwd = rowCost(forward, inputs, "forward");
  const grad = rowCost(forward, inputs, "gradient");
  const pairs = rowCost(forward, inputs, "gradient", 2);
  assert.equal(tf.memory().numTensors, before);
  // The two intermediates alive in the tidy, plus the row itself: 3 KiB forward.
  assert.deepEqual(grad, { bytesPerRow: GRADIENT_ROW_FACTOR * 3072, pass: "gradient" });
  assert.deepEqual(fwd, { bytesPerRow: 2 * 1024 + 3072, pass: "forward" });
  assert.equal(pairs.bytesPerRow, 2 * grad.bytesPerRow);
  const rejecting = rowCost(
    () => {
      throw new Error("needs a batch of 4");
    },
    inputs,
    "forward",
  );
  assert.equal(rejecting.bytesPerRow, 2 * 1024 + 64 * 1024);
  inputs.dispose();
});

Deno.test("`rowCost()` measures a model's forward function once per row shape, a user's function every call", async () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: "relu" })],
  });
  const forward = toForwardFunction("Test", model);
  const inputs = tf.zeros([3, 4]);
  const kernels = async (fn: () => unknown) => (await tf.profile(() => void fn())).kernels.length;
  const first = rowCost(forward, inputs, "gradient");
  // What the same forward pass measures as a user's function.
  assert.deepEqual(first, rowCost((x) => forward(x), inputs, "gradient"));
  assert.equal(await kernels(() => rowCost(forward, inputs, "gradient")), 0);
  assert.deepEqual(rowCost(forward, inputs, "gradient"), first);
  assert.equal(
    rowCost(forward, inputs, "forward").bytesPerRow,
    2 * 16 + first.bytesPerRow / GRADIENT_ROW_FACTOR,
  );
  // Another batch size shares the measure; another row shape does not.
  const more = tf.zeros([7, 4]);
  assert.equal(await kernels(() => rowCost(forward, more, "forward")), 0);
  // A user's function may change between calls: it is measured every time.
  let width = 8;
  const user = (x: tf.Tensor) => tf.tile(x, [1, width / 4]);
  const before = rowCost(user, inputs, "forward").bytesPerRow;
  width = 16;
  assert.equal(rowCost(user, inputs, "forward").bytesPerRow, before + 4 * 8);
  tf.dispose([inputs, more]);
  model.dispose();
});

Deno.test("`budgetRows()` fits the 512 MiB budget, at least one row", () => {
  assert.equal(MEMORY_BUDGET_BYTES, 512 * MIB);
  assert.equal(budgetRows({ bytesPerRow: 10 * MIB, pass: "gradient" }), 51);
  assert.equal(budgetRows({ bytesPerRow: 600 * MIB, pass: "gradient" }), 1);
});

Deno.test("`assertChunkFits()` names the option, the value and how many rows fit", () => {
  assert.equal(tf.getBackend(), "wasm");
  const available = availableBytes();
  assert.ok(available <= WASM_HEAP_MAX_BYTES - WASM_HEAP_RESERVE_BYTES);
  const cost = { bytesPerRow: 100 * MIB, pass: "gradient" as const };
  assertChunkFits("IntegratedGradients", cost, {
    option: "internalBatchSize",
    received: 2,
    rows: 2,
    rowsPerUnit: 1,
  });
  const fit = Math.floor(available / cost.bytesPerRow);
  assert.throws(
    () =>
      assertChunkFits("IntegratedGradients", cost, {
        option: "internalBatchSize",
        received: 100,
        rows: 100,
        rowsPerUnit: 1,
      }),
    {
      name: "RangeError",
      message: `Cannot compute IntegratedGradients attributions: a chunk of 100 rows needs about ` +
        `10000 MiB (100 MiB per row, forward and backward), more than the ${
          Math.ceil(available / MIB)
        } MiB the wasm heap can still hold, received internalBatchSize=100. Lower ` +
        `internalBatchSize (at most ${fit} rows fit; leave it unset for a default that fits).`,
    },
  );
  // Rows that must share one pass (a unit larger than what fits): fewer examples is the fix.
  assert.throws(
    () =>
      assertChunkFits("Occlusion", { bytesPerRow: 100 * MIB, pass: "forward" }, {
        option: "perturbationsPerEval",
        received: undefined,
        rows: 64,
        rowsPerUnit: 64,
      }),
    /a chunk of 64 rows needs about 6400 MiB \(100 MiB per row, forward\), .*received 64 rows that must share a pass\. Pass fewer examples per call \(or smaller inputs\)\.$/,
  );
});
