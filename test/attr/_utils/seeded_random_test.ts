import assert from "node:assert/strict";
import { SeededRandom } from "../../../lib/attr/_utils/seeded_random.ts";

Deno.test("`SeededRandom` is reproducible and its normals have the right moments", () => {
  const a = new SeededRandom(3).normals(20001, 2);
  const b = new SeededRandom(3).normals(20001, 2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(new SeededRandom(4).normals(10, 1), new SeededRandom(3).normals(10, 1));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 4) < 0.15, `variance ${variance}`);
  assert.deepEqual(new SeededRandom(3).normals(4, 0), new Float32Array(4));
});

Deno.test("`SeededRandom` draws uniforms, integers and permutations in range", () => {
  const r = new SeededRandom(0);
  for (let i = 0; i < 1000; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    const v = r.uniform(-2, 3);
    assert.ok(v >= -2 && v < 3);
    const k = r.int(3);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 3);
  }
  const p = r.permutation(50);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
});
