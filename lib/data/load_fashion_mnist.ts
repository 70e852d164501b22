/**
 * Load a Fashion-MNIST split from the four original gzip IDX files, downloading missing files
 * from the official mirror, and verifying every file's decompressed content by SHA-256.
 *
 * @module
 */
import { join } from "node:path";
import { gunzip, sha256Hex } from "./_bytes.ts";
import { downloadFile, type DownloadProgress } from "./_download.ts";
import {
  FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  FASHION_MNIST_IMAGE_SIZE,
  FASHION_MNIST_MIRROR,
  type FashionMnistFile,
  type FashionMnistSplitName,
} from "./fashion_mnist_files.ts";
import { type IdxArray, readIdxFile } from "./idx.ts";

export type { DownloadProgress };

/**
 * A split of Fashion-MNIST in memory: `count` grayscale 28×28 images as float32 in [0, 1]
 * (row-major, NHWC with one channel) and their labels 0–9.
 */
export interface FashionMnistSplit {
  /** Which split the examples come from. */
  readonly split: FashionMnistSplitName;
  /** Number of examples. */
  readonly count: number;
  /** `count * 28 * 28` pixel values in [0, 1]; image `i` starts at `i * 784`. */
  readonly images: Float32Array;
  /** `count` labels, each 0–9 (see `FASHION_MNIST_CLASSES`). */
  readonly labels: Uint8Array;
}

/** Options of {@linkcode loadFashionMnist}. */
export interface LoadFashionMnistOptions {
  /**
   * Directory holding the four `.gz` files.
   * @default FASHION_MNIST_DIR (the repository's `data/fashion-mnist`)
   */
  dataDir?: string;
  /**
   * `"train"` (60,000 examples) or `"test"` (10,000 examples).
   * @default "train"
   */
  split?: FashionMnistSplitName;
  /**
   * Keep only the first `limit` examples (the whole file is still verified).
   * @default undefined (all examples)
   */
  limit?: number;
  /**
   * Download missing files from `mirror`; when false a missing file is an error.
   * @default true
   */
  download?: boolean;
  /**
   * Base URL files are downloaded from (the file name is appended).
   * @default FASHION_MNIST_MIRROR
   */
  mirror?: string;
  /**
   * The fetch implementation used for downloads (inject one in tests).
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Called with download progress. By default a progress bar is shown: a carriage-return bar on
   * stderr in a terminal, a display updated in place under Jupyter, a line per 10 % otherwise.
   * @default undefined (progress bar)
   */
  onProgress?: (progress: DownloadProgress) => void;
}

function fixAdvice(path: string, mirror: string, name: string): string {
  return `Delete ${path} and run again to download a fresh copy from ${mirror}${name}, or restore the committed copy with \`git checkout -- data/fashion-mnist/${name}\` (or re-clone the repository).`;
}

async function verifyDownloaded(bytes: Uint8Array, file: FashionMnistFile): Promise<void> {
  let content: Uint8Array;
  try {
    content = await gunzip(bytes);
  } catch (error) {
    throw new Error(`the downloaded file is not a valid gzip stream (${(error as Error).message})`);
  }
  const actual = await sha256Hex(content);
  if (actual !== file.sha256) {
    throw new Error(
      `the downloaded file has the wrong checksum (SHA-256 of its decompressed content is ${actual}, expected ${file.sha256})`,
    );
  }
}

async function loadFile(
  file: FashionMnistFile,
  dataDir: string,
  options: LoadFashionMnistOptions,
): Promise<IdxArray> {
  const path = join(dataDir, file.name);
  const mirror = options.mirror ?? FASHION_MNIST_MIRROR;
  const url = `${mirror}${file.name}`;
  let exists = true;
  try {
    await Deno.stat(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    exists = false;
  }
  if (!exists) {
    if (options.download === false) {
      throw new Deno.errors.NotFound(
        `Cannot load Fashion-MNIST: ${path} is missing and downloading is disabled (download: false). Restore it with \`git checkout -- data/fashion-mnist/${file.name}\` (or re-clone the repository), pass download: true, or download ${url} into ${dataDir}.`,
      );
    }
    try {
      await downloadFile(url, path, {
        fetch: options.fetch ?? globalThis.fetch,
        onProgress: options.onProgress,
        verify: (bytes) => verifyDownloaded(bytes, file),
      });
    } catch (error) {
      throw new Error(
        `Cannot load Fashion-MNIST: ${path} is missing and downloading it from ${url} failed: ${
          (error as Error).message
        }. Restore it with \`git checkout -- data/fashion-mnist/${file.name}\` (or re-clone the repository), or download ${url} into ${dataDir} by hand.`,
        { cause: error },
      );
    }
  }
  try {
    const idx = await readIdxFile(path, {
      expectedMagic: file.magic,
      sha256: file.sha256,
      fix: fixAdvice(path, mirror, file.name),
    });
    const expectedDims = file.magic === 2051
      ? [file.count, FASHION_MNIST_IMAGE_SIZE, FASHION_MNIST_IMAGE_SIZE]
      : [file.count];
    if (idx.dims.join(",") !== expectedDims.join(",")) {
      throw new TypeError(
        `Cannot read IDX file ${path}: expected dimensions [${
          expectedDims.join(", ")
        }], received [${idx.dims.join(", ")}]. ${fixAdvice(path, mirror, file.name)}`,
      );
    }
    return idx;
  } catch (error) {
    const e = error as Error;
    e.message = e.message.replace(/^Cannot (read|parse) /, "Cannot load Fashion-MNIST: cannot $1 ");
    throw e;
  }
}

/**
 * Load one Fashion-MNIST split as float32 images in [0, 1] and uint8 labels.
 *
 * Files are read from `dataDir` (the repository's `data/fashion-mnist` by default); a missing file
 * is downloaded from the official mirror with a progress bar. Each file's decompressed content is
 * checked against its known SHA-256, its IDX magic number and its dimensions; a corrupt, truncated
 * or missing file raises an error naming the file and how to fix it.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_CLASSES, loadFashionMnist } from "../mod.ts";
 * const test = await loadFashionMnist({ split: "test", limit: 100 });
 * console.log(test.count, FASHION_MNIST_CLASSES[test.labels[0]]); // 100 "Ankle boot"
 * ```
 *
 * @throws {RangeError} if `limit` is not a positive integer.
 * @throws {Deno.errors.NotFound} if a file is missing and `download` is false.
 * @throws {Error} if a file is corrupt or truncated, or a missing file cannot be downloaded.
 */
export async function loadFashionMnist(
  options: LoadFashionMnistOptions = {},
): Promise<FashionMnistSplit> {
  const split = options.split ?? "train";
  if (split !== "train" && split !== "test") {
    throw new RangeError(
      `Cannot load Fashion-MNIST: split must be "train" or "test", received ${
        JSON.stringify(split)
      }.`,
    );
  }
  const files = FASHION_MNIST_FILES[split];
  const limit = options.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(
      `Cannot load Fashion-MNIST: limit must be a positive integer, received ${limit}. Pass limit >= 1 or omit it to load all ${files.images.count} examples.`,
    );
  }
  const dataDir = options.dataDir ?? FASHION_MNIST_DIR;
  // Sequential, so at most one download runs at a time and its progress bar is readable.
  const images = await loadFile(files.images, dataDir, options);
  const labels = await loadFile(files.labels, dataDir, options);
  const count = Math.min(limit ?? files.images.count, files.images.count);
  const pixels = FASHION_MNIST_IMAGE_SIZE * FASHION_MNIST_IMAGE_SIZE;
  const floats = new Float32Array(count * pixels);
  const raw = images.data;
  for (let i = 0; i < floats.length; i++) floats[i] = raw[i] / 255;
  return { split, count, images: floats, labels: labels.data.slice(0, count) };
}
