import assert from "node:assert/strict";
import { mapSimilarity, SIMILARITY_MEASURES, tf } from "../../lib/mod.ts";
import { ssim } from "../../lib/evaluation/_ssim.ts";
import { hog } from "../../lib/evaluation/_hog.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

Deno.test("`mapSimilarity()` is 1 on every measure for identical maps", async () => {
  const a = tf.randomUniform([2, 12, 12, 1], -1, 1, "float32", 3);
  const s = await mapSimilarity(a, a);
  for (const m of SIMILARITY_MEASURES) assertAllClose(s[m], [1, 1], { message: m });
});

Deno.test("`mapSimilarity()` Spearman values match hand-computed rank correlations", async () => {
  // ranks [1,2,3,4] vs [1,3,2,4]: ρ = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/60 = 0.8
  const s1 = await mapSimilarity(tf.tensor2d([[1, 2, 3, 4]]), tf.tensor2d([[1, 3, 2, 4]]));
  assertAllClose(s1.spearman, [0.8]);
  assertAllClose(s1.spearmanAbs, [0.8]);
  // signs flipped on one value: equal magnitudes (ρ_abs = 1), signed ranks [1,2,3,4] vs
  // [4,1,2,3]: ρ = 1 − 6·12/60 = −0.2
  const s2 = await mapSimilarity(tf.tensor2d([[-4, 1, 2, 3]]), tf.tensor2d([[4, 1, 2, 3]]));
  assertAllClose(s2.spearmanAbs, [1]);
  assertAllClose(s2.spearman, [-0.2]);
  // ties take the mean rank (scipy's rankdata): [1, 1, 2] → ranks [1.5, 1.5, 3]
  const s3 = await mapSimilarity(tf.tensor2d([[1, 1, 2]]), tf.tensor2d([[1, 2, 3]]));
  assertAllClose(s3.spearman, [Math.sqrt(3) / 2], { rtol: 1e-9 });
  // a constant map correlates 0 with anything else, 1 with an equal constant map
  const s4 = await mapSimilarity(
    tf.tensor2d([[0, 0, 0], [2, 2, 2]]),
    tf.tensor2d([[1, 2, 3], [2, 2, 2]]),
  );
  assertAllClose(s4.spearman, [0, 1]);
});

Deno.test("`mapSimilarity()` SSIM and HOG follow skimage's definitions on hand-computed cases", () => {
  // One 7 × 7 window, x one bright pixel, y black: μx = 1/49, σx² = 49/48·(1/49 − 1/49²) = 1/49,
  // SSIM = C1·C2 / ((μx² + C1)(σx² + C2)) with C1 = 0.01², C2 = 0.03².
  const x = new Float64Array(49);
  x[24] = 1;
  assertAllClose([ssim(x, new Float64Array(49), 7, 7, 1)], [0.008177714534840485], { rtol: 1e-9 });
  assert.equal(ssim(x, x, 7, 7, 1), 1);
  // A vertical step edge on 8 × 8, 4 × 4 cells, one 2 × 2 block: every cell has 4 pixels of
  // horizontal gradient 1 (orientation 0°, bin 0) → 4/16 = 0.25; L2-Hys gives 0.5 each.
  const step = new Float64Array(64).map((_, i) => (i % 8 >= 4 ? 1 : 0));
  const features = hog(step, 8, 8, { orientations: 9, cellSize: 4, blockSize: 2 });
  assert.equal(features.length, 36);
  const expected = new Array(36).fill(0);
  for (let cell = 0; cell < 4; cell++) expected[cell * 9] = 0.5;
  assertAllClose(features, expected, { rtol: 1e-6 });
});

Deno.test("`mapSimilarity()` leaks nothing and pins its errors", async () => {
  const a = tf.ones([1, 8, 8, 1]);
  await assertNoLeak(() => mapSimilarity(a, a));
  await assert.rejects(mapSimilarity(a, tf.ones([1, 8, 8, 2])), {
    name: "TypeError",
    message:
      /^Cannot compute mapSimilarity: b must be a tensor of a's shape \[1, 8, 8, 1\], received a float32 tensor of shape \[1, 8, 8, 2\]\. Compare/,
  });
  await assert.rejects(mapSimilarity(tf.ones([4]), a), {
    name: "TypeError",
    message: /^Cannot compute mapSimilarity: a must be a batch of attribution maps/,
  });
});
