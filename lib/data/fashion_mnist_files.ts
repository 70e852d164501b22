/**
 * The four Fashion-MNIST files: names, sizes, checksums, the official mirror and the default
 * directory they are read from.
 *
 * @module
 */
import { resolve } from "node:path";

/** Which half of Fashion-MNIST: 60,000 training or 10,000 test examples. */
export type FashionMnistSplitName = "train" | "test";

/** Description of one Fashion-MNIST file. */
export interface FashionMnistFile {
  /** File name, e.g. `"train-images-idx3-ubyte.gz"`. */
  readonly name: string;
  /** IDX magic number: 2051 for images, 2049 for labels. */
  readonly magic: number;
  /** Number of examples it holds. */
  readonly count: number;
  /** Lower-case hex SHA-256 of the decompressed content. */
  readonly sha256: string;
}

/**
 * The images and labels files of each split, with the SHA-256 of their decompressed content
 * (the gzip wrapper may differ between copies; the content does not).
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_FILES } from "../mod.ts";
 * console.log(FASHION_MNIST_FILES.test.labels.name); // "t10k-labels-idx1-ubyte.gz"
 * ```
 */
export const FASHION_MNIST_FILES: Readonly<
  Record<
    FashionMnistSplitName,
    { readonly images: FashionMnistFile; readonly labels: FashionMnistFile }
  >
> = {
  train: {
    images: {
      name: "train-images-idx3-ubyte.gz",
      magic: 2051,
      count: 60000,
      sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    },
    labels: {
      name: "train-labels-idx1-ubyte.gz",
      magic: 2049,
      count: 60000,
      sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    },
  },
  test: {
    images: {
      name: "t10k-images-idx3-ubyte.gz",
      magic: 2051,
      count: 10000,
      sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    },
    labels: {
      name: "t10k-labels-idx1-ubyte.gz",
      magic: 2049,
      count: 10000,
      sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
  },
};

/** Height and width of a Fashion-MNIST image in pixels. */
export const FASHION_MNIST_IMAGE_SIZE = 28;

/**
 * Base URL of the official Fashion-MNIST mirror; a file's URL is this plus its name.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_MIRROR } from "../mod.ts";
 * console.log(`${FASHION_MNIST_MIRROR}t10k-labels-idx1-ubyte.gz`);
 * ```
 */
export const FASHION_MNIST_MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

/**
 * Absolute path of the repository's `data/fashion-mnist` directory, resolved from this module's
 * location so it works from any working directory (scripts, tests, notebooks).
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_DIR } from "../mod.ts";
 * console.log(FASHION_MNIST_DIR.endsWith("data/fashion-mnist")); // true
 * ```
 */
export const FASHION_MNIST_DIR: string = resolve(
  import.meta.dirname ?? ".",
  "..",
  "..",
  "data",
  "fashion-mnist",
);
