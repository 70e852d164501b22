/**
 * `Summarizer`: running statistics of a stream of tensors, or of several streams at once
 * (Captum's `Summarizer`), e.g. the mean and variance of attributions over a dataset, one batch
 * at a time.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { argumentMessage } from "./_utils/errors.ts";
import { Stat, type StatValue } from "./stat.ts";

/** One summary: each requested stat's name and value. */
export type Summary = Record<string, StatValue | undefined>;

/** What a summarizer summarizes: one tensor (or number) per update, or several at once. */
export type SummarizerInput = tf.Tensor | number | readonly (tf.Tensor | number)[];

/** The summary of a {@linkcode Summarizer} of inputs `X`: one summary, or one per input. */
export type SummaryOf<X> = X extends readonly unknown[] ? Summary[] : Summary;

/** The noun of the summarizers' errors: "Cannot compute <method> summaries: …". */
export const SUMMARIES = "summaries";

/**
 * The stats to update, dependencies first (Captum's `_reorder_stats`): `stats` without
 * duplicates (same class and parameters), plus the stats they read, each ordered after the
 * stats it reads. Also the positions of the requested stats, in the order given.
 */
function orderStats(stats: readonly Stat[]): { ordered: Stat[]; requested: number[] } {
  const ordered: Stat[] = [];
  const index = new Map<string, number>();
  const visit = (stat: Stat, path: readonly string[]): number => {
    const known = index.get(stat.key);
    if (known !== undefined) return known;
    if (path.includes(stat.key)) {
      throw new TypeError(
        `Cannot create the Summarizer: the stats depend on each other in a cycle ` +
          `(${[...path, stat.key].join(" → ")}). Give the stat's dependencies() no cycle.`,
      );
    }
    for (const dep of stat.dependencies()) visit(dep, [...path, stat.key]);
    ordered.push(stat);
    index.set(stat.key, ordered.length - 1);
    return ordered.length - 1;
  };
  const requested: number[] = [];
  for (const stat of stats) {
    const i = visit(stat, []);
    if (!requested.includes(i)) requested.push(i);
  }
  return { ordered, requested };
}

/**
 * The stats of one input (Captum's `SummarizerSingleTensor`): fresh copies of the templates,
 * bound to each other, and the shape of the first tensor, which every update must have.
 */
class SingleTensorSummarizer {
  readonly #stats: Stat[];
  readonly #summaryStats: Stat[];
  #shape: number[] | undefined;

  constructor(templates: readonly Stat[], requested: readonly number[]) {
    this.#stats = templates.map((s) => s.copy());
    const byKey = new Map(this.#stats.map((s) => [s.key, s]));
    const lookup = { get: (stat: Stat) => byKey.get(stat.key) };
    for (const stat of this.#stats) stat.init(lookup);
    this.#summaryStats = requested.map((i) => this.#stats[i]);
  }

  update(method: string, x: tf.Tensor, what: string): void {
    if (this.#shape === undefined) this.#shape = [...x.shape];
    else if (!tf.util.arraysEqual(this.#shape, x.shape)) {
      throw new TypeError(
        argumentMessage(
          method,
          what,
          `a tensor of the shape of the first update [${this.#shape.join(", ")}]`,
          x,
          "Summarize tensors of one shape (one Summarizer per shape).",
          SUMMARIES,
        ),
      );
    }
    for (const stat of this.#stats) stat.update(x);
  }

  get summary(): Summary {
    const out: Summary = {};
    for (const stat of this.#summaryStats) out[stat.name] = stat.get();
    return out;
  }

  dispose(): void {
    for (const stat of this.#stats) stat.dispose();
  }
}

/**
 * Running statistics of the tensors given to `update()` (Captum's `Summarizer`): each stat is
 * updated element-wise, so the summary has the shape of one update. Stats a requested stat
 * reads are added (e.g. `Count` for `Mean`). With an array per update (Captum's tuple), each
 * position is summarized on its own and the summary is an array: declare it with
 * `new Summarizer<tf.Tensor[]>(stats)`.
 *
 * Ownership: the summarizer copies what it keeps (`update` never keeps or disposes `x`);
 * `dispose()` frees its state. Each read of `summary` returns new tensors that the caller owns
 * (cheap clones of the kept ones): dispose them, e.g. `tf.dispose(Object.values(summary))`.
 *
 * @example
 * ```ts
 * import { CommonStats, Summarizer, tf } from "../mod.ts";
 * const summ = new Summarizer(CommonStats());
 * summ.update(tf.tensor1d([1, 2, 3]));
 * summ.update(tf.tensor1d([3, 2, 1]));
 * const summary = summ.summary!;
 * (summary.mean as tf.Tensor).print(); // [2, 2, 2]
 * (summary.sample_variance as tf.Tensor).print(); // [2, 0, 2]
 * tf.dispose(Object.values(summary));
 * summ.dispose();
 * ```
 */
export class Summarizer<X extends SummarizerInput = tf.Tensor | number> {
  /** The stats as given to the constructor. */
  protected readonly requestedStats: readonly Stat[];
  /** The stats to update, dependencies first (templates: each input gets copies). */
  protected readonly stats: readonly Stat[];
  /** Positions in `stats` of the stats a summary shows. */
  protected readonly summaryStatIndices: readonly number[];
  #summarizers: SingleTensorSummarizer[] = [];
  #isArray: boolean | undefined;

  /**
   * @param stats the statistics to track (e.g. `CommonStats()` or `[new Mean(), new Max()]`);
   *   used as templates, never updated themselves.
   * @throws {TypeError} if `stats` is not an array of `Stat`s.
   */
  constructor(stats: readonly Stat[]) {
    if (!Array.isArray(stats) || !stats.every((s) => s instanceof Stat)) {
      throw new TypeError(
        argumentMessage(
          new.target.name,
          "stats",
          "an array of Stat objects",
          stats,
          "Pass e.g. CommonStats() or [new Mean(), new Var({ order: 1 })].",
          SUMMARIES,
        ),
      );
    }
    const { ordered, requested } = orderStats(stats);
    this.requestedStats = [...stats];
    this.stats = ordered;
    this.summaryStatIndices = requested;
  }

  /** The name used in error messages. */
  protected get methodName(): string {
    return this.constructor.name;
  }

  /**
   * Update every stat with `x` (a tensor or number), or, for an array, the stats of each
   * position with its element. Every update must be of the same kind (single or array) and
   * each position of the same shape.
   *
   * @throws {TypeError} for something that is not a tensor, number or array of them, a
   *   disposed tensor, a change between single and array updates, or a change of shape.
   */
  update(x: X): void {
    const method = this.methodName;
    const isArray = Array.isArray(x);
    if (this.#isArray === undefined) this.#isArray = isArray;
    else if (this.#isArray !== isArray) {
      throw new TypeError(
        argumentMessage(
          method,
          "x",
          this.#isArray ? "an array, as in the first update" : "a single tensor or number",
          x,
          "Update a summarizer with one kind of input (one Summarizer per kind).",
          SUMMARIES,
        ),
      );
    }
    const items = (isArray ? x : [x]) as readonly unknown[];
    items.forEach((item, i) => {
      const what = isArray ? `x[${i}]` : "x";
      const tensor = toTensor(method, item, what);
      try {
        if (i >= this.#summarizers.length) {
          this.#summarizers.push(new SingleTensorSummarizer(this.stats, this.summaryStatIndices));
        }
        this.#summarizers[i].update(method, tensor, what);
      } finally {
        if (tensor !== item) tensor.dispose();
      }
    });
  }

  /**
   * Each requested stat's value by name (Captum's `summary`), an array of them (one per
   * position) for array updates, or `null` before the first update. New tensors, owned by the
   * caller, on every read.
   */
  get summary(): SummaryOf<X> | null {
    if (this.#summarizers.length === 0) return null;
    const all = this.#summarizers.map((s) => s.summary);
    return (this.#isArray ? all : all[0]) as SummaryOf<X>;
  }

  /** Free every tensor the summarizer keeps; it can then be updated again from scratch. */
  dispose(): void {
    for (const s of this.#summarizers) s.dispose();
    this.#summarizers = [];
    this.#isArray = undefined;
  }
}

/** `item` as a live tensor: a number becomes a new float32 scalar (the caller disposes it). */
function toTensor(method: string, item: unknown, what: string): tf.Tensor {
  if (typeof item === "number") return tf.scalar(item);
  if (item instanceof tf.Tensor && !item.isDisposed) return item;
  throw new TypeError(
    argumentMessage(
      method,
      what,
      "a live tf.Tensor or a number",
      item instanceof tf.Tensor ? "a disposed tensor" : item,
      "Pass the tensor before disposing it (or wrap the data with tf.tensor(...)).",
      SUMMARIES,
    ),
  );
}
