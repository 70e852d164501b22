import assert from "node:assert/strict";
import { seededRandom } from "../../../lib/attr/_utils/random.ts";

Deno.test("`seededRandom()` is reproducible and has the right moments", () => {
  const a = seededRandom(3).normals(20000, 2);
  const b = seededRandom(3).normals(20000, 2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(seededRandom(4).normals(10, 1), seededRandom(3).normals(10, 1));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 4) < 0.15, `variance ${variance}`);
  const r = seededRandom(0);
  for (let i = 0; i < 1000; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    const k = r.int(3);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 3);
  }
});
