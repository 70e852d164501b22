import assert from "node:assert/strict";
import { BACKEND_NAMES, setBackend, tf } from "../../lib/mod.ts";

Deno.test("`setBackend()` switches between the listed backends and is idempotent", async () => {
  assert.deepEqual([...BACKEND_NAMES], ["wasm", "cpu"]);
  try {
    await setBackend("cpu");
    assert.equal(tf.getBackend(), "cpu");
    await setBackend("cpu");
    assert.equal(tf.getBackend(), "cpu");
  } finally {
    await setBackend("wasm");
  }
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test("`setBackend()` rejects an unknown name with RangeError naming it and the choices", async () => {
  await assert.rejects(
    () => setBackend("webgl" as never),
    (e: unknown) =>
      e instanceof RangeError &&
      e.message.includes('name must be one of "wasm", "cpu", received "webgl"') &&
      e.message.includes('Pass "wasm" (fast, default) or "cpu".'),
  );
  assert.equal(tf.getBackend(), "wasm");
});
