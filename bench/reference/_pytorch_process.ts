/**
 * Private: the PyTorch + Captum side of `bench/reference/run.ts`, a long-lived
 * `pytorch_reference.py` process answering one JSON command per line.
 *
 * @module
 */

/** What the reference process answers. */
interface Reply {
  ready?: boolean;
  error?: string;
  torch?: string;
  captum?: string;
  threads?: number;
  batchesPerSecond?: number;
  ms?: number;
  seconds?: number;
}

const SCRIPT = new URL("./pytorch_reference.py", import.meta.url).pathname;

/**
 * The reference process, or an unavailable one (no PyTorch, no Captum path) whose methods
 * resolve with `undefined`.
 */
export class PytorchReference {
  readonly available: boolean;
  /** Why the reference is unavailable ("" when available). */
  readonly reason: string;
  readonly versions: string;
  readonly captumPath: string;
  readonly #child: Deno.ChildProcess | undefined;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  readonly #lines: AsyncIterator<string> | undefined;

  private constructor(
    reason: string,
    captumPath = "",
    versions = "",
    child?: Deno.ChildProcess,
    lines?: AsyncIterator<string>,
  ) {
    this.available = reason === "";
    this.reason = reason;
    this.captumPath = captumPath;
    this.versions = versions;
    this.#child = child;
    this.#writer = child?.stdin.getWriter();
    this.#lines = lines;
  }

  /**
   * Start `pytorch_reference.py` with `PYTORCH_PYTHON` (default `/usr/bin/python3`, Debian's
   * `python3-torch`) and Captum from `CAPTUM_PATH` or `PYTHONPATH`, one thread, glibc's mmap and
   * trim thresholds raised (with the defaults PyTorch trains 3-5× slower until it has allocated
   * enough to raise them itself).
   */
  static async start(): Promise<PytorchReference> {
    const captumPath = Deno.env.get("CAPTUM_PATH") ?? Deno.env.get("PYTHONPATH") ?? "";
    if (captumPath === "") {
      return new PytorchReference(
        "no Captum source: set CAPTUM_PATH (or PYTHONPATH) to the directory holding the captum package",
      );
    }
    const python = Deno.env.get("PYTORCH_PYTHON") ?? "/usr/bin/python3";
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(python, {
        args: [SCRIPT],
        env: {
          PYTHONPATH: captumPath,
          OMP_NUM_THREADS: "1",
          MKL_NUM_THREADS: "1",
          MALLOC_MMAP_THRESHOLD_: "268435456",
          MALLOC_TRIM_THRESHOLD_: "268435456",
        },
        stdin: "piped",
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
    } catch (error) {
      return new PytorchReference(`cannot run ${python}: ${(error as Error).message}`);
    }
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(
      new LineStream(),
    )[Symbol.asyncIterator]();
    const first = await lines.next();
    const hello = first.done ? { error: "the process exited" } : JSON.parse(first.value) as Reply;
    if (!hello.ready) {
      await child.status;
      return new PytorchReference(
        `${python} cannot run PyTorch and Captum (${hello.error}); install Debian's python3-torch`,
      );
    }
    return new PytorchReference(
      "",
      captumPath,
      `${hello.torch}, Captum ${hello.captum}, ${hello.threads} thread`,
      child,
      lines,
    );
  }

  async #ask(command: Record<string, unknown>): Promise<Reply | undefined> {
    if (!this.available) return undefined;
    await this.#writer!.write(new TextEncoder().encode(JSON.stringify(command) + "\n"));
    const line = await this.#lines!.next();
    if (line.done) throw new Error("The PyTorch reference process exited unexpectedly.");
    const reply = JSON.parse(line.value) as Reply;
    if (reply.error !== undefined) {
      throw new Error(`The PyTorch reference failed on ${JSON.stringify(command)}: ${reply.error}`);
    }
    return reply;
  }

  /** Batches of 64 per second over `batches` Adam steps after `warmup` untimed ones. */
  async train(batches: number, warmup: number): Promise<number | undefined> {
    return (await this.#ask({ cmd: "train", batches, warmup }))?.batchesPerSecond;
  }

  /** Median ms of `runs` calls of Captum's `method` on 1 or 64 images. */
  async attr(method: string, batch: number, runs: number): Promise<number | undefined> {
    return (await this.#ask({ cmd: "attr", method, batch, runs }))?.ms;
  }

  /**
   * Seconds of IntegratedGradients (50 steps) over the `images` test images from index `start`,
   * `batch` per call.
   */
  async ig(start: number, images: number, batch: number): Promise<number | undefined> {
    return (await this.#ask({ cmd: "ig", start, images, batch }))?.seconds;
  }

  /** Ask the process to quit. */
  close(): void {
    if (!this.available) return;
    this.#writer!.write(new TextEncoder().encode(JSON.stringify({ cmd: "quit" }) + "\n"))
      .then(() => this.#writer!.close()).catch(() => {});
  }
}

/** Splits a text stream into lines. */
class LineStream extends TransformStream<string, string> {
  constructor() {
    let buffer = "";
    super({
      transform(chunk, controller) {
        buffer += chunk;
        const parts = buffer.split("\n");
        buffer = parts.pop()!;
        for (const p of parts) if (p !== "") controller.enqueue(p);
      },
      flush(controller) {
        if (buffer !== "") controller.enqueue(buffer);
      },
    });
  }
}
