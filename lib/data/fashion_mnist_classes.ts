/**
 * The ten Fashion-MNIST class names.
 *
 * @module
 */

/**
 * Fashion-MNIST class names, indexed by label (0–9), exactly as Zalando Research names them.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_CLASSES } from "../mod.ts";
 * console.log(FASHION_MNIST_CLASSES[9]); // "Ankle boot"
 * ```
 */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/** One of the ten {@linkcode FASHION_MNIST_CLASSES}. */
export type FashionMnistClass = typeof FASHION_MNIST_CLASSES[number];
