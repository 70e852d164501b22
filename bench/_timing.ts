/**
 * Timing shared by the attribution benches' summary tables.
 *
 * @module
 */
import type { tf } from "../lib/mod.ts";

/**
 * Median wall-clock milliseconds of `runs` calls of `fn` (each awaited until its result's data is
 * on the host), after at least `warmups` untimed calls lasting at least `minWarmupMs` together, so
 * that V8 has tiered the hot JS and wasm code up (it takes ~0.5 s of calls) and XNNPACK's operator
 * caches are warm — the steady state a loop over images runs in, and the one `deno bench` measures.
 */
export async function medianMs(
  fn: () => Promise<tf.Tensor>,
  runs: number,
  warmups = 3,
  minWarmupMs = warmups > 0 ? 500 : 0,
): Promise<number> {
  const start = performance.now();
  for (let w = 0; w < warmups || performance.now() - start < minWarmupMs; w++) {
    (await fn()).dispose();
  }
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const out = await fn();
    await out.data();
    times.push(performance.now() - t0);
    out.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
