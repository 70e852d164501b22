/**
 * Tensor assertions for tests: closeness with an explicit tolerance, and leak checks.
 *
 * @module
 */
import { tf } from "../../lib/mod.ts";
import assert from "node:assert/strict";

/** Values of a tensor or nested array as a flat `number[]`. */
export function flat(
  x: tf.Tensor | ArrayLike<number> | number[][] | number[][][] | number[][][][],
): number[] {
  if (x instanceof tf.Tensor) return Array.from(x.dataSync());
  return (Array.from(x as ArrayLike<unknown>) as unknown[]).flat(Infinity as 1) as number[];
}

/** Options of {@linkcode assertAllClose}. */
export interface CloseOptions {
  /** Relative tolerance. @default 1e-5 */
  rtol?: number;
  /** Absolute tolerance. @default 1e-6 */
  atol?: number;
  /** Prefix for the failure message. */
  message?: string;
}

/**
 * Assert `|actual − expected| <= atol + rtol·|expected|` element-wise (and equal sizes / shapes).
 */
export function assertAllClose(
  actual: tf.Tensor | ArrayLike<number> | number[][] | number[][][],
  expected: tf.Tensor | ArrayLike<number> | number[][] | number[][][],
  { rtol = 1e-5, atol = 1e-6, message = "" }: CloseOptions = {},
): void {
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) {
    assert.deepEqual(actual.shape, expected.shape, `${message} shape`);
  }
  const a = flat(actual as tf.Tensor);
  const e = flat(expected as tf.Tensor);
  assert.equal(a.length, e.length, `${message} size: ${a.length} vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const tol = atol + rtol * Math.abs(e[i]);
    if (!(Math.abs(a[i] - e[i]) <= tol)) {
      assert.fail(`${message} element ${i}: actual ${a[i]} vs expected ${e[i]} (tolerance ${tol})`);
    }
  }
}

/**
 * Max |actual − expected| divided by max |expected| (the parity measure used against Captum).
 */
export function relativeMaxError(
  actual: tf.Tensor | ArrayLike<number>,
  expected: tf.Tensor | ArrayLike<number>,
): number {
  const a = flat(actual as tf.Tensor);
  const e = flat(expected as tf.Tensor);
  assert.equal(a.length, e.length, `size: ${a.length} vs ${e.length}`);
  let maxErr = 0;
  let maxRef = 0;
  for (let i = 0; i < a.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(a[i] - e[i]));
    maxRef = Math.max(maxRef, Math.abs(e[i]));
  }
  return maxErr / (maxRef || 1);
}

/**
 * Run `fn` (sync or async), dispose what it returns (a tensor, an array or object of tensors), and
 * assert that the number of live tensors is unchanged.
 */
export async function assertNoLeak(
  fn: () => unknown | Promise<unknown>,
  message = "",
): Promise<void> {
  const before = tf.memory().numTensors;
  const result = await fn();
  tf.dispose(result as tf.TensorContainer);
  const after = tf.memory().numTensors;
  assert.equal(after, before, `${message} leaked ${after - before} tensors`);
}
