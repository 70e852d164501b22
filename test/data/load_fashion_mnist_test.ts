import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type DownloadProgress,
  FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  loadFashionMnist,
} from "../../lib/mod.ts";
import { withTempDir } from "../_helpers/temp_dir.ts";

const TEST_FILES = [FASHION_MNIST_FILES.test.images.name, FASHION_MNIST_FILES.test.labels.name];

async function copyTestFiles(dir: string): Promise<void> {
  for (const name of TEST_FILES) {
    await Deno.copyFile(join(FASHION_MNIST_DIR, name), join(dir, name));
  }
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("`loadFashionMnist()` loads the test split with pixels in [0, 1]", async () => {
  const test = await loadFashionMnist({ split: "test" });
  assert.equal(test.split, "test");
  assert.equal(test.count, 10000);
  assert.equal(test.images.length, 10000 * 784);
  assert.equal(test.labels.length, 10000);
  let min = Infinity, max = -Infinity;
  for (const v of test.images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
  // Known first labels of the test set: Ankle boot, Pullover, Trouser, Trouser, Shirt.
  assert.deepEqual(Array.from(test.labels.subarray(0, 5)), [9, 2, 1, 1, 6]);
  const counts = new Array(10).fill(0);
  for (const y of test.labels) counts[y]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
});

Deno.test("`loadFashionMnist()` loads the training split and honours limit", async () => {
  const train = await loadFashionMnist({ limit: 100 });
  assert.equal(train.split, "train");
  assert.equal(train.count, 100);
  assert.equal(train.images.length, 100 * 784);
  // Known first labels of the training set: Ankle boot, T-shirt/top, T-shirt/top, Dress.
  assert.deepEqual(Array.from(train.labels.subarray(0, 4)), [9, 0, 0, 3]);
});

Deno.test("`loadFashionMnist()` rejects a bad limit or split with RangeError", async () => {
  await assert.rejects(
    loadFashionMnist({ split: "test", limit: 0 }),
    (e: Error) =>
      e instanceof RangeError && /limit must be a positive integer, received 0/.test(e.message),
  );
  await assert.rejects(
    loadFashionMnist({ split: "valid" as "test" }),
    (e: Error) => e instanceof RangeError && /split must be "train" or "test"/.test(e.message),
  );
});

Deno.test("`loadFashionMnist()` names a corrupt file (checksum) and how to fix it", async () => {
  await withTempDir("fashion_mnist_test_", async (dir) => {
    await copyTestFiles(dir);
    const name = FASHION_MNIST_FILES.test.labels.name;
    const content = await gunzip(await Deno.readFile(join(dir, name)));
    content[100] = (content[100] + 1) % 10; // a valid gzip of wrong content
    await Deno.writeFile(join(dir, name), await gzip(content));
    await assert.rejects(
      loadFashionMnist({ split: "test", dataDir: dir, download: false }),
      (e: Error) =>
        e.message.startsWith("Cannot load Fashion-MNIST") && e.message.includes(join(dir, name)) &&
        /checksum mismatch/.test(e.message) &&
        e.message.includes(FASHION_MNIST_FILES.test.labels.sha256) &&
        /Delete .* and run again to download a fresh copy/.test(e.message) &&
        e.message.includes(`git checkout -- data/fashion-mnist/${name}`),
    );
  });
});

Deno.test("`loadFashionMnist()` names a truncated file and how to fix it", async () => {
  await withTempDir("fashion_mnist_test_", async (dir) => {
    await copyTestFiles(dir);
    const name = FASHION_MNIST_FILES.test.images.name;
    const bytes = await Deno.readFile(join(dir, name));
    await Deno.writeFile(join(dir, name), bytes.subarray(0, bytes.length >> 1));
    await assert.rejects(
      loadFashionMnist({ split: "test", dataDir: dir, download: false }),
      (e: Error) =>
        e.message.includes(join(dir, name)) &&
        /gzip stream is corrupt or truncated/.test(e.message) &&
        /re-clone the repository/.test(e.message),
    );
  });
});

Deno.test("`loadFashionMnist()` names a missing file when downloads are off", async () => {
  await withTempDir("fashion_mnist_test_", async (dir) => {
    await assert.rejects(
      loadFashionMnist({ split: "test", dataDir: dir, download: false }),
      (e: Error) =>
        e instanceof Deno.errors.NotFound &&
        e.message.includes(join(dir, FASHION_MNIST_FILES.test.images.name)) &&
        /is missing/.test(e.message) && /git checkout -- data\/fashion-mnist/.test(e.message),
    );
  });
});

Deno.test("`loadFashionMnist()` downloads missing files from a local mirror and verifies them", async () => {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const name = new URL(req.url).pathname.slice(1);
    requests.push(name);
    if (!TEST_FILES.includes(name)) return new Response("not found", { status: 404 });
    return new Response(await Deno.readFile(join(FASHION_MNIST_DIR, name)));
  });
  try {
    await withTempDir("fashion_mnist_test_", async (dir) => {
      const progress: DownloadProgress[] = [];
      const test = await loadFashionMnist({
        split: "test",
        dataDir: join(dir, "nested"),
        mirror: `http://127.0.0.1:${server.addr.port}/`,
        onProgress: (p) => progress.push({ ...p }),
      });
      assert.equal(test.count, 10000);
      assert.deepEqual(requests, TEST_FILES);
      for (const name of TEST_FILES) {
        const got = await Deno.readFile(join(dir, "nested", name));
        assert.deepEqual(got, await Deno.readFile(join(FASHION_MNIST_DIR, name)));
        const reports = progress.filter((p) => p.file === name);
        const last = reports.at(-1)!;
        assert.equal(last.done, true);
        assert.equal(last.loaded, got.length);
        assert.equal(last.total, got.length);
      }
      // Files now exist: a second load does not download.
      await loadFashionMnist({ split: "test", dataDir: join(dir, "nested"), limit: 1 });
      assert.equal(requests.length, 2);
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("`loadFashionMnist()` reports a failed download with the URL and the fix", async () => {
  await withTempDir("fashion_mnist_test_", async (dir) => {
    const fakeFetch = ((input: string | URL | Request) =>
      Promise.resolve(
        new Response(`no ${String(input)}`, { status: 503, statusText: "Service Unavailable" }),
      )) as typeof fetch;
    await assert.rejects(
      loadFashionMnist({ split: "test", dataDir: dir, fetch: fakeFetch, onProgress: () => {} }),
      (e: Error) =>
        e.message.includes(join(dir, FASHION_MNIST_FILES.test.images.name)) &&
        /is missing and downloading it from http:\/\/fashion-mnist\.s3-website/.test(e.message) &&
        /HTTP 503 Service Unavailable/.test(e.message) && /re-clone the repository/.test(e.message),
    );
    const offline = (() => Promise.reject(new TypeError("network unreachable"))) as typeof fetch;
    await assert.rejects(
      loadFashionMnist({ split: "test", dataDir: dir, fetch: offline }),
      /failed: network unreachable/,
    );
  });
});

Deno.test("`loadFashionMnist()` rejects a downloaded file with the wrong content and keeps nothing", async () => {
  await withTempDir("fashion_mnist_test_", async (dir) => {
    const wrongFetch = (() =>
      Promise.resolve(new Response(new Uint8Array([1, 2, 3, 4])))) as typeof fetch;
    await assert.rejects(
      loadFashionMnist({ split: "test", dataDir: dir, fetch: wrongFetch, onProgress: () => {} }),
      /not a valid gzip stream/,
    );
    assert.deepEqual(Array.from(Deno.readDirSync(dir)), []);
  });
});
