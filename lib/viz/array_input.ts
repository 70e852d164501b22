/**
 * The array inputs of the figure builders (nested arrays, typed arrays with
 * a shape, or `tf.Tensor`s) and how they are read into flat `Float64Array`s.
 *
 * @module
 */

/** A flat array of numbers together with its shape (row-major, last axis fastest). */
export interface ShapedArray {
  /** The values, row-major. Its length must equal the product of `shape`. */
  data: ArrayLike<number>;
  /** The shape, e.g. `[28, 28, 1]`. */
  shape: readonly number[];
}

/** Anything with a `shape` and a synchronous `dataSync()`, such as a `tf.Tensor`. */
export interface TensorLike {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
  readonly isDisposed?: boolean;
}

/** Nested arrays of numbers, e.g. `number[][]` for an image or `number[][][]` for HWC. */
export type NestedArray = number | readonly NestedArray[];

/**
 * An array input of the figure builders: a `tf.Tensor` (read with `dataSync()`, not disposed),
 * a {@linkcode ShapedArray} (`{ data, shape }`), or nested arrays (`number[][]`, `number[][][]`).
 */
export type ArrayInput = TensorLike | ShapedArray | readonly NestedArray[];

/** A read array: flat values and shape. */
export interface Dense {
  data: Float64Array;
  shape: number[];
}

function isTensorLike(x: unknown): x is TensorLike {
  return typeof x === "object" && x !== null && "dataSync" in x &&
    typeof (x as TensorLike).dataSync === "function" && Array.isArray((x as TensorLike).shape);
}

function isShaped(x: unknown): x is ShapedArray {
  return typeof x === "object" && x !== null && !Array.isArray(x) && "data" in x && "shape" in x;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === "object") return `an object (${Object.prototype.toString.call(x)})`;
  return `${typeof x} ${String(x)}`;
}

/**
 * Read `x` into a flat `Float64Array` and its shape.
 *
 * @param x the input.
 * @param context what was being done, for error messages (e.g. "Cannot visualize attributions").
 * @param name the argument name, for error messages.
 * @throws {TypeError} for ragged nested arrays, non-numbers, a data/shape size mismatch or a
 *   disposed tensor.
 */
export function toDense(x: unknown, context: string, name: string): Dense {
  if (isTensorLike(x)) {
    if (x.isDisposed) {
      throw new TypeError(
        `${context}: ${name} is a disposed tensor. Pass the tensor before disposing it.`,
      );
    }
    return { data: Float64Array.from(x.dataSync()), shape: [...x.shape] };
  }
  if (isShaped(x)) {
    const shape = [...x.shape];
    const size = shape.reduce((a, b) => a * b, 1);
    if (x.data.length !== size) {
      throw new TypeError(
        `${context}: ${name}.data has ${x.data.length} values but ${name}.shape [${shape}] ` +
          `needs ${size}. Pass data and shape that match.`,
      );
    }
    return { data: Float64Array.from(x.data), shape };
  }
  if (Array.isArray(x)) {
    const shape: number[] = [];
    let level: unknown = x;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(size);
    let k = 0;
    const walk = (v: unknown, depth: number): void => {
      if (depth === shape.length) {
        if (typeof v !== "number") {
          throw new TypeError(
            `${context}: ${name} must hold numbers, received ${describe(v)} inside it. ` +
              `Pass nested arrays of numbers.`,
          );
        }
        data[k++] = v;
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) {
        throw new TypeError(
          `${context}: ${name} is ragged: expected an array of length ${shape[depth]} at depth ` +
            `${depth}, received ${describe(v)}. Pass rectangular nested arrays.`,
        );
      }
      for (const e of v) walk(e, depth + 1);
    };
    walk(x, 0);
    return { data, shape };
  }
  throw new TypeError(
    `${context}: ${name} must be a tf.Tensor, { data, shape } or nested arrays of numbers, ` +
      `received ${describe(x)}.`,
  );
}
