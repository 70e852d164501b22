/**
 * Timing shared by the attribution benches' summary tables.
 *
 * @module
 */
import { FusedConv2D, type FusedConv2DAttrs } from "@tensorflow/tfjs-core";
import { tf } from "../lib/mod.ts";
import { runWasmKernel } from "../lib/backend/backend.ts";

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

/**
 * The machine's speed right now: median milliseconds of the stock XNNPACK convolution (the
 * backend's own kernel, untouched by this library) of a `[1, 28, 28, 32]` input by a 3×3×32×16
 * filter, 3.6 M multiply-adds — the tutorial CNN's conv2 for one image. On the development machine
 * it takes {@linkcode QUIET_PROBE_MS} when nothing else runs; the shared host can make it ~1.8×
 * slower for minutes at a time, and every timing of the run with it.
 */
export function machineProbeMs(): number {
  const backend = tf.backend();
  const [x, filter, bias] = [tf.ones([1, 28, 28, 32]), tf.ones([3, 3, 32, 16]), tf.ones([16])];
  const attrs: FusedConv2DAttrs = {
    strides: [1, 1],
    pad: "same",
    dataFormat: "NHWC",
    dilations: [1, 1],
    dimRoundingMode: "floor",
    activation: "linear",
  };
  const times: number[] = [];
  for (let r = 0; r < 40; r++) {
    const t0 = performance.now();
    const out = runWasmKernel("stock", FusedConv2D, { x, filter, bias }, attrs);
    times.push(performance.now() - t0);
    backend.disposeData(out.dataId);
  }
  tf.dispose([x, filter, bias]);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** {@linkcode machineProbeMs} on the development machine when quiet (2026-11-25). */
export const QUIET_PROBE_MS = 0.3;

/** A line saying how fast the machine ran the probe, before and after a run's measurements. */
export function machineLine(beforeMs: number, afterMs: number): string {
  const ms = (beforeMs + afterMs) / 2;
  return `machine check: stock XNNPACK conv (conv2, one image) ${beforeMs.toFixed(2)} ms before, ${
    afterMs.toFixed(2)
  } ms after (${QUIET_PROBE_MS.toFixed(2)} when the machine is quiet: this run ran ~${
    (ms / QUIET_PROBE_MS).toFixed(1)
  }× that)`;
}

/** Mean milliseconds per call of `reps` calls of a wasm kernel-level `fn` (its output freed). */
export function kernelCallMs(fn: () => tf.TensorInfo, reps: number): number {
  const backend = tf.backend();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) backend.disposeData(fn().dataId);
  return (performance.now() - t0) / reps;
}

/** The minimum and the median of `xs`. */
export function minMedian(xs: number[]): { min: number; median: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
}

/**
 * Min and median milliseconds per call of each kernel-level function, measured interleaved (one
 * batch of `reps` calls of each per round, `rounds` rounds) after `warmupMs` of the same, so that
 * the shared machine's changing speed affects every variant alike.
 */
export function interleavedKernelMs(
  fns: Array<() => tf.TensorInfo>,
  reps: number,
  rounds: number,
  warmupMs: number,
): Array<{ min: number; median: number }> {
  const warm = performance.now();
  while (performance.now() - warm < warmupMs) for (const fn of fns) kernelCallMs(fn, reps);
  const times = fns.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    fns.forEach((fn, i) => times[i].push(kernelCallMs(fn, reps)));
  }
  return times.map(minMedian);
}
