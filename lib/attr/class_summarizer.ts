/**
 * `ClassSummarizer`: running statistics per class label and over all examples (Captum's
 * `ClassSummarizer`), e.g. the mean attribution map of each predicted class.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Stat } from "./stat.ts";
import { argumentMessage } from "./_utils/errors.ts";
import { SUMMARIES, Summarizer, type SummaryOf } from "./summarizer.ts";

/** A class label: a number or a string. */
export type ClassLabel = number | string;

/** What {@linkcode ClassSummarizer.update} summarizes: a batch, or one batch per input. */
export type ClassSummarizerInput = tf.Tensor | readonly tf.Tensor[];

/**
 * Labels of a batch: one label for every example, one per example (an array or a 1-D tensor),
 * or none (only the overall summary is updated, with the batch as one tensor).
 */
export type Labels<K extends ClassLabel> = K | readonly K[] | tf.Tensor;

/**
 * Running statistics of examples per class label, plus the statistics over every example
 * (Captum's `ClassSummarizer`). `update(x, labels)` splits the batch `x` (axis 0) into examples
 * and adds each to its label's summarizer and to the overall one, so both summarize tensors of
 * one example's shape; `classSummaries` maps each label (in order of first appearance) to its
 * summary. For several inputs per example use `new ClassSummarizer<number, tf.Tensor[]>(stats)`.
 *
 * Ownership as {@linkcode Summarizer}: reads of `summary` and `classSummaries` return new
 * tensors the caller owns; `dispose()` frees the state. Unlike Captum, whose labeled updates
 * turn a single tensor into a 1-tuple (so its summaries become lists), a single tensor gives a
 * single summary here.
 *
 * @example
 * ```ts
 * import { ClassSummarizer, Mean, tf } from "../mod.ts";
 * const summ = new ClassSummarizer([new Mean()]);
 * summ.update(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), [0, 1, 0]);
 * const perClass = summ.classSummaries;
 * (perClass.get(0)!.mean as tf.Tensor).print(); // [3, 4]
 * (perClass.get(1)!.mean as tf.Tensor).print(); // [3, 4]
 * (summ.summary!.mean as tf.Tensor).print(); // [3, 4]
 * summ.dispose();
 * ```
 */
export class ClassSummarizer<
  K extends ClassLabel = number,
  X extends ClassSummarizerInput = tf.Tensor,
> extends Summarizer<X> {
  readonly #summaries = new Map<K, Summarizer<X>>();

  /** @param stats the statistics to track per class and overall (templates, see Summarizer). */
  constructor(stats: readonly Stat[]) {
    super(stats);
  }

  /**
   * Add the examples of batch `x` to their classes' summaries and to the overall summary; with
   * no `labels`, add `x` as one tensor to the overall summary only (Captum's behaviour).
   *
   * @param x a batch `[N, ...]`, or an array of batches with the same N.
   * @param labels one label for all examples, or N labels (an array or a 1-D tensor).
   * @throws {TypeError} for an `x` that is not a batch (or array of batches) or labels that are
   *   not numbers, strings or a 1-D tensor.
   * @throws {RangeError} when the number of labels is neither 1 nor the batch size.
   */
  override update(x: X, labels?: Labels<K>): void {
    if (labels === undefined) {
      super.update(x);
      return;
    }
    const method = this.methodName;
    const isArray = Array.isArray(x);
    const batches = (isArray ? x : [x]) as readonly unknown[];
    batches.forEach((b, i) => assertBatch(method, b, isArray ? `x[${i}]` : "x"));
    const tensors = batches as tf.Tensor[];
    const keys = labelList<K>(method, labels);
    const n = tensors[0].shape[0];
    if (keys.length !== 1) {
      tensors.forEach((t, i) => {
        if (t.shape[0] !== keys.length) {
          throw new RangeError(
            argumentMessage(
              method,
              "labels",
              `one label, or one per example (${t.shape[0]} for ${isArray ? `x[${i}]` : "x"})`,
              `${keys.length} labels`,
              "Pass one label per example of the batch.",
              SUMMARIES,
            ),
          );
        }
      });
    }
    const examples = tensors.map((t) => tf.unstack(t));
    try {
      for (let e = 0; e < n; e++) {
        const label = keys.length === 1 ? keys[0] : keys[e];
        const item = (isArray ? examples.map((rows) => rows[e]) : examples[0][e]) as X;
        let summarizer = this.#summaries.get(label);
        if (summarizer === undefined) {
          summarizer = new Summarizer<X>(this.requestedStats);
          this.#summaries.set(label, summarizer);
        }
        summarizer.update(item);
        super.update(item);
      }
    } finally {
      tf.dispose(examples.flat());
    }
  }

  /**
   * Each label's summary (Captum's `class_summaries`), labels in order of first appearance.
   * New tensors, owned by the caller, on every read.
   */
  get classSummaries(): Map<K, SummaryOf<X> | null> {
    const out = new Map<K, SummaryOf<X> | null>();
    for (const [label, summarizer] of this.#summaries) out.set(label, summarizer.summary);
    return out;
  }

  /** Free the state of every class and of the overall summary. */
  override dispose(): void {
    for (const s of this.#summaries.values()) s.dispose();
    this.#summaries.clear();
    super.dispose();
  }
}

/** Assert `b` is a live tensor with a batch axis. */
function assertBatch(method: string, b: unknown, what: string): asserts b is tf.Tensor {
  if (!(b instanceof tf.Tensor) || b.isDisposed || b.rank < 1) {
    throw new TypeError(
      argumentMessage(
        method,
        what,
        "a live tensor with a batch axis [N, ...]",
        b instanceof tf.Tensor && b.isDisposed ? "a disposed tensor" : b,
        "Pass the batch as a tensor (the examples along axis 0).",
        SUMMARIES,
      ),
    );
  }
}

/** `labels` as a list: one label, or one per example. */
function labelList<K extends ClassLabel>(method: string, labels: Labels<K>): K[] {
  if (labels instanceof tf.Tensor) {
    if (labels.isDisposed || labels.rank > 1) {
      throw new TypeError(
        argumentMessage(
          method,
          "labels",
          "a label, an array of labels or a live 1-D tensor",
          labels.isDisposed ? "a disposed tensor" : labels,
          "Pass e.g. the predicted classes, predictions.argMax(1).",
          SUMMARIES,
        ),
      );
    }
    return Array.from(labels.dataSync()) as K[];
  }
  const list = (Array.isArray(labels) ? labels : [labels]) as readonly unknown[];
  const bad = list.find((l) => typeof l !== "number" && typeof l !== "string");
  if (bad !== undefined || list.length === 0) {
    throw new TypeError(
      argumentMessage(
        method,
        "labels",
        "numbers or strings (one, or one per example)",
        list.length === 0 ? "an empty array" : bad,
        "Pass e.g. 3, [0, 1, 0] or a 1-D tensor of class indices.",
        SUMMARIES,
      ),
    );
  }
  return list as K[];
}
