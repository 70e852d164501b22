import assert from "node:assert/strict";
import { join } from "node:path";
import { FASHION_MNIST_DIR, FASHION_MNIST_FILES, FASHION_MNIST_IMAGE_SIZE } from "../../lib/mod.ts";

Deno.test("`FASHION_MNIST_FILES` names the four official files with their IDX magic and counts", () => {
  assert.equal(FASHION_MNIST_IMAGE_SIZE, 28);
  for (const [split, count] of [["train", 60000], ["test", 10000]] as const) {
    const { images, labels } = FASHION_MNIST_FILES[split];
    assert.deepEqual([images.magic, labels.magic], [2051, 2049]);
    assert.deepEqual([images.count, labels.count], [count, count]);
    for (const file of [images, labels]) {
      assert.match(file.sha256, /^[0-9a-f]{64}$/);
      // Shipped in the repository.
      assert.ok(Deno.statSync(join(FASHION_MNIST_DIR, file.name)).isFile, file.name);
    }
  }
});
