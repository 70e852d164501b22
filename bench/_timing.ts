/**
 * Timing shared by the attribution benches' summary tables.
 *
 * @module
 */
import type { tf } from "../lib/mod.ts";

/**
 * Median wall-clock milliseconds of `runs` calls of `fn` (each awaited until its result's data is
 * on the host), after `warmups` untimed calls so that V8 and XNNPACK's operator caches are warm
 * — the state `deno bench` measures in.
 */
export async function medianMs(
  fn: () => Promise<tf.Tensor>,
  runs: number,
  warmups = 3,
): Promise<number> {
  for (let w = 0; w < warmups; w++) (await fn()).dispose();
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
