/**
 * Download one file over HTTP(S) with progress reports, verify it, and move it into place
 * atomically (written to `<path>.part` first). Private: not re-exported by `lib/mod.ts`.
 *
 * @module
 */
import { basename, dirname } from "node:path";
import { formatBytes, ProgressBar } from "../display/progress_bar.ts";

/** Progress of a download, reported after every received chunk. */
export interface DownloadProgress {
  /** File name being downloaded. */
  file: string;
  /** Bytes received so far. */
  loaded: number;
  /** Expected size in bytes from `Content-Length`, or `undefined` when the server sent none. */
  total: number | undefined;
  /** True for the last report, once the whole body has arrived. */
  done: boolean;
}

/** Options of {@linkcode downloadFile}. */
export interface DownloadFileOptions {
  /** The fetch implementation (inject one in tests). */
  fetch: typeof fetch;
  /** Called with progress; by default a {@linkcode ProgressBar} on stderr / Jupyter. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Checks the downloaded bytes before they are moved into place; throws to reject them. */
  verify?: (bytes: Uint8Array) => Promise<void>;
}

/** A progress callback that drives a {@linkcode ProgressBar}, one per file. */
export function defaultDownloadProgress(): (progress: DownloadProgress) => void {
  let bar: ProgressBar | undefined;
  return (p) => {
    const total = p.total ?? 0;
    bar ??= new ProgressBar({ label: `Downloading ${p.file}`, total: total > 0 ? total : 1 });
    const size = p.total !== undefined
      ? `${formatBytes(p.loaded)}/${formatBytes(p.total)}`
      : formatBytes(p.loaded);
    if (p.done) {
      bar.finish(size);
      bar = undefined;
    } else {
      bar.update(total > 0 ? p.loaded : 0, size);
    }
  };
}

/** Download `url` to `path`; returns the bytes. Throws an Error describing the HTTP failure. */
export async function downloadFile(
  url: string,
  path: string,
  options: DownloadFileOptions,
): Promise<Uint8Array> {
  const file = basename(path);
  const onProgress = options.onProgress ?? defaultDownloadProgress();
  const response = await options.fetch(url);
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} ${response.statusText} from ${url}`);
  }
  const header = response.headers.get("content-length");
  const total = header !== null && Number.isFinite(Number(header)) ? Number(header) : undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for await (const chunk of response.body) {
    chunks.push(chunk);
    loaded += chunk.length;
    onProgress({ file, loaded, total, done: false });
  }
  onProgress({ file, loaded, total, done: true });
  if (total !== undefined && loaded !== total) {
    throw new Error(`the download from ${url} was cut short: received ${loaded} of ${total} bytes`);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  await options.verify?.(bytes);
  await Deno.mkdir(dirname(path), { recursive: true });
  const partial = `${path}.part`;
  await Deno.writeFile(partial, bytes);
  await Deno.rename(partial, path);
  return bytes;
}
