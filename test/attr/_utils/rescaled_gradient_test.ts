/**
 * DeepLift's rescaled gradient: the fused wasm kernel and the op composition used on other
 * backends give Captum's `dy · Δy/Δx` (plain gradient where `|Δx| < eps`) on both halves.
 */
import assert from "node:assert/strict";
import { setBackend, tf } from "../../../lib/mod.ts";
import { rescaledGradient } from "../../../lib/attr/_utils/rescaled_gradient.ts";

// Two examples and their baselines ([inputs; baselines], 3 values each): example 0 crosses zero,
// example 1 equals its baseline in its first value (Δx = 0 → plain gradient).
const x = [2, 0.5, -1, -3, 0.5, 4, /* baselines */ -2, 0.5, 1, 1, 1, 4];
const y = x.map((v) => Math.max(v, 0));
const dy = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const plain = dy.map((g, i) => (x[i] > 0 ? g : 0));

function expected(): number[] {
  const out = new Array<number>(12);
  for (let i = 0; i < 6; i++) {
    const dx = x[i] - x[i + 6];
    const ratio = (y[i] - y[i + 6]) / dx;
    out[i] = Math.abs(dx) < 1e-10 ? plain[i] : dy[i] * ratio;
    out[i + 6] = Math.abs(dx) < 1e-10 ? plain[i + 6] : dy[i + 6] * ratio;
  }
  return out;
}

for (const backend of ["wasm", "cpu"] as const) {
  Deno.test(`rescaledGradient() on ${backend} gives dy·Δy/Δx, or the plain gradient where Δx = 0`, async () => {
    await setBackend(backend);
    try {
      const t = (v: number[]) => tf.tensor2d(v, [4, 3]);
      const inputs = [t(dy), t(plain), t(x), t(y)];
      const before = tf.memory().numTensors;
      const out = tf.tidy(() =>
        rescaledGradient(inputs[0], inputs[1], inputs[2], inputs[3], 1e-10)
      );
      assert.equal(tf.memory().numTensors, before + 1, "only the result is left");
      const got = Array.from(await out.data());
      expected().forEach((want, i) =>
        assert.ok(Math.abs(got[i] - want) < 1e-6, `[${i}]: ${got[i]} ≠ ${want}`)
      );
      tf.dispose([out, ...inputs]);
    } finally {
      await setBackend("wasm");
    }
  });
}
