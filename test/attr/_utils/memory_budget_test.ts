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
