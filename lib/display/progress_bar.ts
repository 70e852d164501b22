/**
 * A small progress bar for long loops (downloads, training epochs) that adapts to where it runs:
 * a carriage-return bar on stderr in a terminal, one display updated in place under the Deno
 * Jupyter kernel, a line every `lineEveryPercent` percent otherwise (log files, CI).
 * Shared by the trainer, the downloader and every explainer with `showProgress`; not re-exported
 * by `lib/mod.ts`.
 *
 * @module
 */

/** Where a {@linkcode ProgressBar} renders. `"auto"` picks from the environment at creation. */
export type ProgressMode = "auto" | "terminal" | "jupyter" | "lines" | "none";

/** Options of {@linkcode ProgressBar}. */
export interface ProgressBarOptions {
  /** Text before the bar, e.g. `"Epoch 1/8"`. */
  label: string;
  /** Number of units at 100 %. */
  total: number;
  /**
   * Rendering target.
   * @default "auto"
   */
  mode?: ProgressMode;
  /**
   * In `"lines"` mode, print one line each time progress crosses a multiple of this percentage.
   * @default 10
   */
  lineEveryPercent?: number;
  /**
   * Minimum milliseconds between two renders in `"terminal"` and `"jupyter"` modes.
   * @default 200 (terminal), 1000 (jupyter)
   */
  minIntervalMs?: number;
}

interface JupyterLike {
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<
    void
  >;
}

/** The Deno Jupyter namespace when running under the Deno kernel, else `undefined`. Lazy. */
export function jupyterNamespace(): JupyterLike | undefined {
  try {
    // The getter throws outside `deno jupyter`; only touch it at call time, never at import.
    return (Deno as unknown as { jupyter?: JupyterLike }).jupyter;
  } catch {
    return undefined;
  }
}

function detectMode(): Exclude<ProgressMode, "auto"> {
  if (jupyterNamespace() !== undefined) return "jupyter";
  try {
    if (Deno.stderr.isTerminal()) return "terminal";
  } catch {
    // no stderr (e.g. restricted environments): fall through to lines
  }
  return "lines";
}

const encoder = new TextEncoder();
const BAR_WIDTH = 30;
let nextDisplayId = 0;

/**
 * A progress bar. Call {@linkcode ProgressBar.update} as work advances (cheap: renders are
 * throttled) and {@linkcode ProgressBar.finish} once at the end. Both return a promise that
 * resolves when a Jupyter display message has been sent; awaiting it lets the kernel flush.
 */
export class ProgressBar {
  readonly mode: Exclude<ProgressMode, "auto">;
  readonly #label: string;
  readonly #total: number;
  readonly #lineEvery: number;
  readonly #minInterval: number;
  readonly #displayId = `progress-${Date.now()}-${nextDisplayId++}`;
  #lastRender = -Infinity;
  #lastLineStep = -1;
  #displayed = false;
  #pending: Promise<void> = Promise.resolve();

  constructor(options: ProgressBarOptions) {
    this.mode = options.mode === undefined || options.mode === "auto" ? detectMode() : options.mode;
    this.#label = options.label;
    this.#total = Math.max(0, options.total);
    this.#lineEvery = options.lineEveryPercent ?? 10;
    this.#minInterval = options.minIntervalMs ?? (this.mode === "jupyter" ? 1000 : 200);
  }

  /** Report that `done` of `total` units are complete; `suffix` is shown after the bar. */
  update(done: number, suffix = ""): Promise<void> {
    if (this.mode === "none") return this.#pending;
    const fraction = this.#total > 0 ? Math.min(1, Math.max(0, done / this.#total)) : 1;
    if (this.mode === "lines") {
      const step = Math.floor((fraction * 100) / this.#lineEvery);
      if (step > this.#lastLineStep) {
        this.#lastLineStep = step;
        this.#write(`${this.#text(fraction, suffix)}\n`);
      }
      return this.#pending;
    }
    const now = performance.now();
    if (now - this.#lastRender < this.#minInterval) return this.#pending;
    this.#lastRender = now;
    return this.#render(this.#text(fraction, suffix));
  }

  /** Render the final state (`done = total`) with `suffix` and end the line. */
  finish(suffix = ""): Promise<void> {
    const text = this.#text(1, suffix);
    switch (this.mode) {
      case "none":
        return this.#pending;
      case "lines":
        this.#write(`${text}\n`);
        return this.#pending;
      case "terminal":
        this.#write(`\r${text}\x1b[K\n`);
        return this.#pending;
      case "jupyter":
        return this.#render(text);
    }
  }

  #text(fraction: number, suffix: string): string {
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
    const percent = `${Math.floor(fraction * 100)}`.padStart(3);
    return `${this.#label} ${bar} ${percent}%${suffix ? ` ${suffix}` : ""}`;
  }

  #render(text: string): Promise<void> {
    if (this.mode === "terminal") {
      this.#write(`\r${text}\x1b[K`);
      return this.#pending;
    }
    const jupyter = jupyterNamespace();
    if (jupyter === undefined) return this.#pending;
    const update = this.#displayed;
    this.#displayed = true;
    this.#pending = this.#pending.then(() =>
      jupyter.display({ "text/plain": text }, {
        raw: true,
        update,
        display_id: this.#displayId,
      })
    ).catch(() => {});
    return this.#pending;
  }

  #write(text: string): void {
    try {
      Deno.stderr.writeSync(encoder.encode(text));
    } catch {
      // stderr unavailable: progress is best-effort
    }
  }
}

/** Format a byte count as `"12.3 MB"`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
