/**
 * A human concept given by examples, as Captum's `Concept`: an id, a name and the input batches
 * that illustrate it (striped crops, heels, random images…).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { conceptError } from "./_errors.ts";

/**
 * The examples of a concept: input batches (`[n, ...input shape]` float32 tensors) as an array, an
 * iterable or an async iterable. The batches belong to the caller; each is read before the next is
 * asked for, so a generator may dispose a batch after its `yield`. A one-shot iterator (a generator
 * object) can be read once: TCAV reads a concept once per set of layers and keeps its activations.
 */
export type ConceptData = Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>;

/**
 * A concept for {@linkcode TCAV}: a unique integer `id` (the concept's label when a CAV is trained,
 * and its key in saved CAVs), a `name`, and its examples `dataIter` (`null` for a concept
 * only named, e.g. one loaded with a CAV).
 *
 * @example
 * ```ts
 * import { Concept, tf } from "../mod.ts";
 * const striped = new Concept(0, "striped", [tf.ones([4, 28, 28, 1])]);
 * console.log(striped.identifier, `${striped}`); // "striped-0" "Concept(0, 'striped')"
 * ```
 */
export class Concept {
  /** The unique identifier (a non-negative integer). */
  readonly id: number;
  /** The concept's name. */
  readonly name: string;
  /** Its input batches, or `null`. */
  readonly dataIter: ConceptData | null;

  /**
   * @param id a non-negative integer, unique among the concepts of a {@linkcode TCAV}.
   * @param name a non-empty name.
   * @param dataIter the concept's input batches, or `null`.
   * @throws {RangeError} for an id that is not a non-negative integer or an empty name.
   * @throws {TypeError} for `dataIter` that is neither iterable nor `null`.
   */
  constructor(id: number, name: string, dataIter: ConceptData | null) {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0) {
      throw conceptError(
        RangeError,
        "create a Concept",
        "id",
        "a non-negative integer",
        id,
        "Pass e.g. 0.",
      );
    }
    if (typeof name !== "string" || name.length === 0) {
      throw conceptError(
        RangeError,
        "create a Concept",
        "name",
        "a non-empty string",
        name,
        'Pass e.g. "striped".',
      );
    }
    const iterable = dataIter !== null && typeof dataIter === "object" &&
      (Symbol.iterator in dataIter || Symbol.asyncIterator in dataIter);
    if (dataIter !== null && !iterable) {
      throw conceptError(
        TypeError,
        "create a Concept",
        "dataIter",
        "an array, iterable or async iterable of input batches (tf.Tensor), or null",
        dataIter,
        "Pass e.g. [batch] or a generator of batches.",
      );
    }
    this.id = id;
    this.name = name;
    this.dataIter = dataIter;
  }

  /** `"<name>-<id>"`, as Captum's `identifier`. */
  get identifier(): string {
    return `${this.name}-${this.id}`;
  }

  /** `"Concept(<id>, '<name>')"`, as Captum's `repr`. */
  toString(): string {
    return `Concept(${this.id}, '${this.name}')`;
  }
}

/** The concepts' ids joined by "-", as Captum's `concepts_to_str` (the key of a set's CAVs). */
export function conceptsToStr(concepts: readonly Concept[]): string {
  return concepts.map((c) => String(c.id)).join("-");
}
