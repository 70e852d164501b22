/**
 * The IDX file format of (Fashion-)MNIST: parsing an in-memory buffer and reading a file,
 * gzip-compressed or not, with an optional SHA-256 check of its decompressed content.
 *
 * An IDX file starts with a 4-byte big-endian magic number — two zero bytes, a type code
 * (0x08 = unsigned byte) and the number of dimensions — then one big-endian uint32 per dimension,
 * then the data in row-major order. Images are magic 2051 (`0x00000803`, 3 dimensions),
 * labels are magic 2049 (`0x00000801`, 1 dimension).
 *
 * @module
 */
import { basename } from "node:path";
import { gunzip, isGzip, sha256Hex } from "./_bytes.ts";

/** Magic number of an IDX file of unsigned-byte images `[count, rows, cols]`. */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX file of unsigned-byte labels `[count]`. */
export const IDX_LABELS_MAGIC = 2049;

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  /** The magic number read from the header, e.g. 2051 for images, 2049 for labels. */
  readonly magic: number;
  /** The dimensions read from the header, e.g. `[60000, 28, 28]`. */
  readonly dims: readonly number[];
  /** The values in row-major order; `data.length` is the product of `dims`. */
  readonly data: Uint8Array;
}

/** Options of {@linkcode parseIdx}. */
export interface ParseIdxOptions {
  /**
   * Name of the buffer's source, used in error messages.
   * @default "IDX buffer"
   */
  name?: string;
  /**
   * Magic number the header must have (2051 for images, 2049 for labels); any unsigned-byte
   * IDX magic is accepted when omitted.
   * @default undefined
   */
  expectedMagic?: number;
}

const UBYTE_TYPE_CODE = 0x08;

/**
 * Parse an uncompressed IDX buffer of unsigned bytes.
 *
 * Checks the magic number (two zero bytes, type code 0x08, 1–4 dimensions), that the header is
 * complete and that the data length equals the product of the dimensions exactly. The returned
 * `data` is a view on `bytes` (no copy).
 *
 * @example
 * ```ts
 * import { parseIdx } from "../mod.ts";
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]);
 * const { magic, dims, data } = parseIdx(bytes);
 * console.log(magic, dims, data); // 2049 [3] Uint8Array(3) [7, 8, 9]
 * ```
 *
 * @throws {TypeError} if the header is malformed, the magic number is not the expected one, or
 * the data length does not match the dimensions (truncated or padded file).
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const name = options.name ?? "IDX buffer";
  const what = `Cannot parse ${name} as IDX`;
  if (bytes.length < 4) {
    throw new TypeError(
      `${what}: expected at least a 4-byte header, received ${bytes.length} bytes. The file is truncated or empty.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const ndims = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE_TYPE_CODE || ndims < 1 || ndims > 4) {
    throw new TypeError(
      `${what}: expected an unsigned-byte IDX magic number (0x0000080N, e.g. ${IDX_IMAGES_MAGIC} for images or ${IDX_LABELS_MAGIC} for labels), received ${magic} (0x${
        magic.toString(16).padStart(8, "0")
      }). The file is not an IDX file of unsigned bytes.`,
    );
  }
  if (options.expectedMagic !== undefined && magic !== options.expectedMagic) {
    throw new TypeError(
      `${what}: expected magic number ${options.expectedMagic}, received ${magic}. Check that the file holds ${
        options.expectedMagic === IDX_IMAGES_MAGIC
          ? "images"
          : options.expectedMagic === IDX_LABELS_MAGIC
          ? "labels"
          : "the expected kind of data"
      } (images and labels files may have been swapped).`,
    );
  }
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new TypeError(
      `${what}: expected a ${headerLength}-byte header for ${ndims} dimensions, received ${bytes.length} bytes. The file is truncated.`,
    );
  }
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  const dataLength = bytes.length - headerLength;
  if (dataLength !== size) {
    throw new TypeError(
      `${what}: dimensions [${dims.join(", ")}] need ${size} data bytes, received ${dataLength}. ${
        dataLength < size ? "The file is truncated." : "The file has trailing bytes."
      }`,
    );
  }
  return { magic, dims, data: bytes.subarray(headerLength) };
}

/** Options of {@linkcode readIdxFile}. */
export interface ReadIdxFileOptions {
  /**
   * Magic number the header must have (2051 for images, 2049 for labels).
   * @default undefined (any unsigned-byte IDX magic)
   */
  expectedMagic?: number;
  /**
   * Lower-case hex SHA-256 that the decompressed content must have; not checked when omitted.
   * @default undefined
   */
  sha256?: string;
  /**
   * Advice appended to every error message, e.g. how to restore the file.
   * @default "Restore or replace the file."
   */
  fix?: string;
}

/**
 * Read an IDX file from disk, gunzip it when it is gzip-compressed (detected from its first
 * bytes), verify the SHA-256 of the decompressed content when `sha256` is given, and parse it.
 *
 * @example
 * ```ts
 * import { readIdxFile } from "../mod.ts";
 * const labels = await readIdxFile("data/fashion-mnist/t10k-labels-idx1-ubyte.gz", {
 *   expectedMagic: 2049,
 * });
 * console.log(labels.dims); // [10000]
 * ```
 *
 * @throws {Deno.errors.NotFound} if the file does not exist (message names the file and the fix).
 * @throws {Error} if the gzip stream is corrupt or truncated, or the checksum does not match.
 * @throws {TypeError} if the IDX content is malformed (see {@linkcode parseIdx}).
 */
export async function readIdxFile(
  path: string,
  options: ReadIdxFileOptions = {},
): Promise<IdxArray> {
  const fix = options.fix ?? "Restore or replace the file.";
  const name = basename(path);
  let raw: Uint8Array;
  try {
    raw = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(`Cannot read IDX file ${path}: the file is missing. ${fix}`);
    }
    throw new Error(`Cannot read IDX file ${path}: ${(error as Error).message}. ${fix}`, {
      cause: error,
    });
  }
  let bytes = raw;
  if (isGzip(raw)) {
    try {
      bytes = await gunzip(raw);
    } catch (error) {
      throw new Error(
        `Cannot read IDX file ${path}: its gzip stream is corrupt or truncated (${raw.length} bytes on disk; ${
          (error as Error).message
        }). ${fix}`,
        { cause: error },
      );
    }
  }
  if (options.sha256 !== undefined) {
    const actual = await sha256Hex(bytes);
    if (actual !== options.sha256) {
      throw new Error(
        `Cannot read IDX file ${path}: checksum mismatch, the file is corrupt or not the expected file (SHA-256 of the decompressed content is ${actual}, expected ${options.sha256}). ${fix}`,
      );
    }
  }
  try {
    return parseIdx(bytes, { name, expectedMagic: options.expectedMagic });
  } catch (error) {
    throw new TypeError(`${(error as Error).message} File: ${path}. ${fix}`, { cause: error });
  }
}
