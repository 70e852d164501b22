import type { FashionMnistSplit } from "../../lib/mod.ts";

/** A synthetic split whose image i is filled with i / count and whose label is i % 10. */
export function syntheticSplit(count: number): FashionMnistSplit {
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.fill(i / count, i * 784, (i + 1) * 784);
    labels[i] = i % 10;
  }
  return { split: "train", count, images, labels };
}
