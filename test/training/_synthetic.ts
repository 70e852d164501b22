import { type FashionMnistSplit, tf } from "../../lib/mod.ts";
import { mulberry32 } from "../../lib/data/_prng.ts";

/**
 * A linearly separable synthetic split: class k lights up pixel row 2k+4 (plus seeded noise),
 * so a dense model learns it quickly.
 */
export function separableSplit(count: number, seed = 1): FashionMnistSplit {
  const random = mulberry32(seed);
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const k = Math.floor(random() * 10);
    labels[i] = k;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = 0.2 * random();
    for (let c = 0; c < 28; c++) images[i * 784 + (2 * k + 4) * 28 + c] = 1;
  }
  return { split: "train", count, images, labels };
}

/** flatten → dense(10), seeded: trains fast on any backend. */
export function tinyDenseModel(seed = 0): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    ],
  });
}
