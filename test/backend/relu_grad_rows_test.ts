/**
 * `ReluGradRows` (ReLU's gradient with `dy`'s rows gathered from a table) equals `ReluGrad` of the
 * gathered rows bit for bit, in its SIMD module and its TypeScript loop, for widths that are and
 * are not multiples of 4 or 16, repeated and reordered indices; it refuses indices out of range.
 */
import assert from "node:assert/strict";
import { setBackend, tf } from "../../lib/mod.ts";
import { reluGradInto } from "../../lib/backend/_kernels/relu_grad.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";

const bits = (values: number[]) => Array.from(new Float32Array(new Uint32Array(values).buffer));
const SPECIAL = [...bits([0, 0x80000000, 0x00000001, 0x7fc00000, 0xffc00000]), Infinity, -3];

function values(size: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from(
    { length: size },
    () => rand() < 0.15 ? SPECIAL[Math.floor(rand() * SPECIAL.length)] : 4 * rand() - 2,
  );
}

/** The bits of a tensor's values (NaN payloads compared as bits too). */
const bitsOf = (t: tf.Tensor) =>
  Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

Deno.test("`ReluGradRows` equals ReluGrad of the gathered rows bit for bit (SIMD module and TypeScript loop)", async () => {
  await setBackend("wasm");
  for (
    const [c, { units, rows, shape }] of [
      { units: 10, rows: 8, shape: [28, 28, 16] },
      { units: 3, rows: 5, shape: [7] },
      { units: 4, rows: 1, shape: [2, 3, 5] },
      { units: 1, rows: 6, shape: [17] },
    ].entries()
  ) {
    const width = shape.reduce((a, b) => a * b, 1);
    const table = tf.tensor2d(values(units * width, c + 1), [units, width]);
    const indices = Array.from({ length: rows }, (_, r) => (r * 7 + c) % units);
    const idx = tf.tensor1d(indices, "int32");
    const x = tf.tensor(values(rows * width, c + 50), [rows, ...shape]);
    const expected = tf.tidy(() =>
      tf.engine().runKernel("ReluGrad", {
        dy: tf.gather(table, idx).reshape(x.shape),
        x,
      }) as tf.Tensor
    );
    const before = tf.memory().numTensors;
    const fused = tf.engine().runKernel("ReluGradRows", { table, indices: idx, x }) as tf.Tensor;
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(fused.shape, x.shape);
    assert.deepEqual(bitsOf(fused), bitsOf(expected), `case ${c}`);
    // The table stored transposed, [width, T], read in place (a kernel's columns).
    const columns = tf.transpose(table);
    const attrs = { transposed: true } as unknown as tf.NamedAttrMap;
    const inPlace = tf.engine().runKernel(
      "ReluGradRows",
      { table: columns, indices: idx, x },
      attrs,
    ) as tf.Tensor;
    assert.deepEqual(bitsOf(inPlace), bitsOf(expected), `case ${c}: transposed table`);
    tf.dispose([columns, inPlace]);
    // The fallback's loop: reluGradInto row by row.
    const [t, xs] = [table.dataSync() as Float32Array, x.dataSync() as Float32Array];
    const loop = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const row = indices[r] * width;
      reluGradInto(
        t.subarray(row, row + width),
        xs.subarray(r * width, (r + 1) * width),
        loop.subarray(r * width, (r + 1) * width),
      );
    }
    // A NaN's bits after a JavaScript multiply are the engine's: NaN matches NaN, the rest bit for bit.
    const e = expected.dataSync();
    for (let i = 0; i < loop.length; i++) {
      const same = Number.isNaN(loop[i]) ? Number.isNaN(e[i]) : Object.is(loop[i], e[i]);
      assert.ok(same, `case ${c}: loop element ${i}: ${loop[i]} vs ${e[i]}`);
    }
    tf.dispose([table, idx, x, expected, fused]);
  }
});

Deno.test("`ReluGradRows` refuses an index outside the table, naming the range", async () => {
  await setBackend("wasm");
  const table = tf.zeros([2, 3]);
  const idx = tf.tensor1d([0, 2], "int32");
  const x = tf.zeros([2, 3]);
  assert.throws(
    () => tf.engine().runKernel("ReluGradRows", { table, indices: idx, x }),
    /indices must be in \[0, 2\), received \[0,2\]/,
  );
  tf.dispose([table, idx, x]);
});
