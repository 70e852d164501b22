import assert from "node:assert/strict";
import { join } from "node:path";
import { parseIdx, readIdxFile } from "../../lib/mod.ts";

function idx(magic: number, dims: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("`parseIdx()` reads a hand-made labels buffer", () => {
  const { magic, dims, data } = parseIdx(idx(2049, [3], [7, 8, 9]));
  assert.equal(magic, 2049);
  assert.deepEqual(dims, [3]);
  assert.deepEqual(Array.from(data), [7, 8, 9]);
});

Deno.test("`parseIdx()` reads a hand-made images buffer in row-major order", () => {
  const values = Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 10);
  const { magic, dims, data } = parseIdx(idx(2051, [2, 2, 3], values), { expectedMagic: 2051 });
  assert.equal(magic, 2051);
  assert.deepEqual(dims, [2, 2, 3]);
  assert.deepEqual(Array.from(data), values);
});

Deno.test("`parseIdx()` rejects a wrong magic number with TypeError naming both", () => {
  assert.throws(
    () => parseIdx(idx(2049, [3], [1, 2, 3]), { name: "x.idx", expectedMagic: 2051 }),
    (e: Error) =>
      e instanceof TypeError && /x\.idx/.test(e.message) &&
      /expected magic number 2051, received 2049/.test(e.message),
  );
  assert.throws(
    () => parseIdx(idx(0x12345678, [3], [1, 2, 3])),
    /expected an unsigned-byte IDX magic number .* received 305419896/,
  );
});

Deno.test("`parseIdx()` rejects truncated headers and data, and trailing bytes", () => {
  assert.throws(() => parseIdx(new Uint8Array([0, 0])), /at least a 4-byte header.*truncated/);
  assert.throws(() => parseIdx(idx(2051, [2, 2, 2], []).subarray(0, 10)), /16-byte header/);
  assert.throws(
    () => parseIdx(idx(2051, [2, 2, 2], [1, 2, 3])),
    /dimensions \[2, 2, 2\] need 8 data bytes, received 3\. The file is truncated\./,
  );
  assert.throws(
    () => parseIdx(idx(2049, [2], [1, 2, 3])),
    /need 2 data bytes, received 3\. The file has trailing bytes\./,
  );
});

Deno.test("`readIdxFile()` reads gzip and raw files and checks the SHA-256", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const raw = idx(2049, [4], [0, 1, 2, 3]);
    await Deno.writeFile(join(dir, "a.idx"), raw);
    await Deno.writeFile(join(dir, "a.idx.gz"), await gzip(raw));
    const a = await readIdxFile(join(dir, "a.idx"));
    const b = await readIdxFile(join(dir, "a.idx.gz"), { expectedMagic: 2049 });
    assert.deepEqual(Array.from(a.data), [0, 1, 2, 3]);
    assert.deepEqual(Array.from(b.data), [0, 1, 2, 3]);
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", raw as Uint8Array<ArrayBuffer>),
    );
    const hex = Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("");
    await readIdxFile(join(dir, "a.idx.gz"), { sha256: hex });
    await assert.rejects(
      readIdxFile(join(dir, "a.idx.gz"), { sha256: "0".repeat(64), fix: "Do X." }),
      (e: Error) => /checksum mismatch/.test(e.message) && e.message.includes(hex),
    );
    await assert.rejects(
      readIdxFile(join(dir, "a.idx.gz"), { expectedMagic: 2051, fix: "Do X." }),
      (e: Error) =>
        e instanceof TypeError && /expected magic number 2051, received 2049/.test(e.message) &&
        e.message.includes("a.idx.gz") && e.message.endsWith("Do X."),
    );
    await assert.rejects(
      readIdxFile(join(dir, "missing.gz"), { fix: "Do X." }),
      (e: Error) =>
        e instanceof Deno.errors.NotFound && e.message.includes("missing.gz") &&
        e.message.endsWith("Do X."),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
