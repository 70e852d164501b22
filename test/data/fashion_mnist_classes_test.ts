import assert from "node:assert/strict";
import { FASHION_MNIST_CLASSES } from "../../lib/mod.ts";

Deno.test("`FASHION_MNIST_CLASSES` lists the ten classes in label order", () => {
  assert.deepEqual(FASHION_MNIST_CLASSES, [
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
  ]);
});
