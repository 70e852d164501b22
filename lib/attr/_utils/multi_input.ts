/**
 * Calls with several inputs (Captum's tuples of inputs) and `additionalForwardArgs`, reduced to the
 * single-tensor case every method's body handles: the inputs are validated one by one (errors
 * name `inputs[i]`), their per-input options resolved (`baselines[i]`, `featureMask[i]`,
 * `stdevs[i]`), and everything packed side by side into one `[N, D]` tensor (each input flattened
 * per example, `D` the sum of their sizes). The call's forward function splits a packed batch
 * back into the inputs' shapes and runs the model on them and on the extra arguments, expanded
 * as the batch was (see {@linkcode RowTarget}). Gradients, masks and perturbations of the packed
 * tensor are those of the inputs side by side, so a feature id used in two inputs' masks is one
 * feature spanning both, as in Captum; the result is split back, one tensor per input.
 *
 * A single tensor without extra arguments goes through untouched.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, Inputs, ModelLike, PerturbationBaseline, Target } from "../types.ts";
import { assertBaselineDistribution, resolveBaselines } from "./baselines.ts";
import { assertFloatInputs, assertNumber, attributionTypeError } from "./errors.ts";
import { assertMaskFits } from "./feature_mask.ts";
import { assertInputsFitModel } from "./forward.ts";
import { type CallTarget, RowTarget, validateTarget } from "./target.ts";

/** Where each input lies in the packed `[N, D]` tensor. */
export interface InputLayout {
  /** Each input's shape without the batch axis. */
  rowShapes: number[][];
  /** Each input's elements per example. */
  sizes: number[];
  /** Each input's first column in the packed tensor. */
  offsets: number[];
  /** Columns of the packed tensor: the sum of `sizes`. */
  width: number;
}

/** The layout of `inputs` side by side. */
export function inputLayout(inputs: readonly tf.Tensor[]): InputLayout {
  const rowShapes = inputs.map((x) => x.shape.slice(1));
  const sizes = rowShapes.map((s) => s.reduce((a, b) => a * b, 1));
  const offsets: number[] = [];
  let width = 0;
  for (const size of sizes) {
    offsets.push(width);
    width += size;
  }
  return { rowShapes, sizes, offsets, width };
}

/** `parts[i]` (`[B, ...rowShapes[i]]`, one batch size B) side by side: `[B, D]`. A new tensor. */
export function packTensors(parts: readonly tf.Tensor[]): tf.Tensor2D {
  return tf.tidy(() => {
    const b = parts[0].shape[0];
    return tf.concat(parts.map((p) => p.toFloat().reshape([b, -1])), 1) as tf.Tensor2D;
  });
}

/** A packed `[B, D]` tensor split back into `[B, ...rowShapes[i]]`, one new tensor per input. */
export function unpackTensor(packed: tf.Tensor, layout: InputLayout): tf.Tensor[] {
  return tf.tidy(() => {
    const b = packed.shape[0];
    const flat = packed.reshape([b, layout.width]);
    return layout.rowShapes.map((shape, i) =>
      flat.slice([0, layout.offsets[i]], [b, layout.sizes[i]]).reshape([b, ...shape])
    );
  });
}

/** The options the call core reads: shared by every primary method. */
export interface CallOptions {
  target?: Target;
  additionalForwardArgs?: readonly unknown[];
  baselines?: unknown;
  featureMask?: unknown;
  stdevs?: unknown;
}

/** Which of a method's options are given per input, and how. */
export interface CallSpec {
  /**
   * `"inputs"`: a reference input per input (a number, a tensor of its shape or batch 1, or a
   * function of it); `"distribution"`: a tensor of baseline rows per input (same row count).
   * @default undefined (the method takes no baselines)
   */
  baselines?: "inputs" | "distribution";
  /** Whether `featureMask` is taken (one mask per input). @default false */
  featureMask?: boolean;
  /** Whether `stdevs` is taken (one per input, or one number for all). @default false */
  stdevs?: boolean;
}

/** The per-input options as a method's body sees them: one value for the packed inputs. */
type PackedOption<K, V> = K extends "baselines" | "featureMask" ? Exclude<V, readonly unknown[]>
  : K extends "stdevs" ? number | Float32Array
  : K extends "target" ? CallTarget | undefined
  : V;

/**
 * A method's options as its body sees them: per-input options packed (baselines resolved to a
 * tensor, masks side by side, `stdevs` one per column as a `Float32Array`), the target a
 * {@linkcode RowTarget} when extra arguments need expanding.
 */
export type PackedOptions<O> = { [K in keyof O]: PackedOption<K, O[K]> };

/** One `attribute()` call reduced to one tensor (see the module note). */
export interface PreparedCall<O> {
  /** The inputs, or all inputs packed `[N, D]`. */
  inputs: tf.Tensor;
  /** The options with per-input options packed. */
  options: PackedOptions<O>;
  /** The model on one (packed) tensor, expanding the extra arguments to the target's rows. */
  forward: ForwardFunction;
  /** Where each input lies in `inputs`, for an array of inputs. */
  layout?: InputLayout;
  /** The body's result (the packed inputs' shape) as the caller gets it; `result` is consumed. */
  finish(result: tf.Tensor): tf.Tensor | tf.Tensor[];
  /** Dispose what the call made (packed inputs and options). */
  dispose(): void;
}

/**
 * Validate a call and reduce it to one tensor (see the module note): `inputs` float tensors of one
 * batch size fitting the model, `target` for that batch, the per-input options of `spec` with one
 * entry per input, `additionalForwardArgs` an array whose tensors have the batch size.
 *
 * @throws {TypeError} naming the argument (`inputs[i]`, `baselines[i]`, `featureMask[i]`,
 *   `additionalForwardArgs[j]` …) that does not fit.
 * @throws {RangeError} for a target or `stdevs[i]` out of range.
 */
export function prepareCall<O extends CallOptions>(
  method: string,
  model: ModelLike,
  forward: ForwardFunction,
  inputs: Inputs,
  options: O,
  spec: CallSpec,
): PreparedCall<O> {
  const multi = Array.isArray(inputs);
  const list = validateCallInputs(method, model, inputs, options);
  const n = list[0].shape[0];
  validateTarget(method, options.target, n);
  const extras = validateExtras(method, options.additionalForwardArgs, n);
  if (!multi) assertNoArrays(method, options, spec);
  if (!multi && extras === undefined) {
    return {
      inputs: list[0],
      options: options as PackedOptions<O>,
      forward,
      finish: (result) => result,
      dispose: () => {},
    };
  }
  const owned: tf.Tensor[] = [];
  try {
    const layout = multi ? inputLayout(list) : undefined;
    const packed = layout ? packTensors(list) : list[0];
    if (layout) owned.push(packed);
    const packedOptions = { ...options } as Record<string, unknown>;
    if (layout) {
      packOptions(method, list, layout, options, spec, packedOptions, owned);
    }
    const rowWise = extras?.some(isBatchTensor) ?? false;
    if (rowWise) {
      packedOptions.target = new RowTarget(
        options.target,
        Int32Array.from({ length: n }, (_, i) => i),
      );
    }
    return {
      inputs: packed,
      options: packedOptions as PackedOptions<O>,
      forward: callForward(forward, layout, extras ?? [], n),
      layout,
      finish: (result) => {
        if (!layout) return result;
        try {
          return unpackTensor(result, layout);
        } finally {
          result.dispose();
        }
      },
      dispose: () => tf.dispose(owned),
    };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}

/**
 * Check `inputs` (one float tensor, or a non-empty array of float tensors of one batch size) against
 * the model's inputs and `additionalForwardArgs`; returns them as a list.
 *
 * @throws {TypeError} naming `inputs` or `inputs[i]`.
 */
export function validateCallInputs(
  method: string,
  model: ModelLike,
  inputs: unknown,
  options: CallOptions,
): tf.Tensor[] {
  if (!Array.isArray(inputs)) {
    assertFloatInputs(method, inputs);
    assertInputsFitModel(method, model, inputs, "inputs", 0, options.additionalForwardArgs);
    return [inputs];
  }
  if (inputs.length === 0) {
    throw attributionTypeError(
      method,
      "inputs",
      "a tensor or a non-empty array of tensors (one per model input)",
      inputs,
      "Pass the model's inputs, e.g. [images, features].",
    );
  }
  inputs.forEach((x, i) => {
    const what = `inputs[${i}]`;
    assertFloatInputs(method, x, what);
    if (x.shape[0] !== inputs[0].shape[0]) {
      throw attributionTypeError(
        method,
        what,
        `a tensor with the batch size of inputs[0] (${inputs[0].shape[0]}): the inputs are ` +
          "aligned example by example",
        x,
        "Give every input the same examples along axis 0.",
      );
    }
    assertInputsFitModel(method, model, x, what, i, options.additionalForwardArgs, inputs.length);
  });
  return inputs;
}

/** A tensor the batch is expanded for: one with a batch axis (Captum leaves 0-d tensors alone). */
function isBatchTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor && value.rank > 0;
}

function validateExtras(
  method: string,
  extras: unknown,
  n: number,
): readonly unknown[] | undefined {
  if (extras === undefined) return undefined;
  if (!Array.isArray(extras)) {
    throw attributionTypeError(
      method,
      "additionalForwardArgs",
      "an array of the arguments passed to the model after the inputs",
      extras,
      "Wrap them in an array, e.g. additionalForwardArgs: [mask] (an array of one array for a " +
        "single non-tensor argument).",
    );
  }
  extras.forEach((arg, j) => {
    if (arg instanceof tf.Tensor && arg.isDisposed) {
      throw attributionTypeError(
        method,
        `additionalForwardArgs[${j}]`,
        "a live tensor",
        "a disposed tensor",
        "Pass a tensor that has not been disposed.",
      );
    }
    if (isBatchTensor(arg) && arg.shape[0] !== n) {
      throw attributionTypeError(
        method,
        `additionalForwardArgs[${j}]`,
        `a tensor with the inputs' batch size ${n} along axis 0 (it is expanded with the ` +
          "inputs), a 0-d tensor or another value (passed unchanged)",
        arg,
        "Give it one row per example, or pass a scalar.",
      );
    }
  });
  return extras;
}

/** A single tensor takes single per-input options; an array there is a mistake. */
function assertNoArrays(method: string, options: CallOptions, spec: CallSpec): void {
  const keys = (["baselines", "featureMask", "stdevs"] as const).filter((k) =>
    k === "baselines" ? spec.baselines !== undefined : spec[k]
  );
  for (const key of keys) {
    const value = options[key];
    if (Array.isArray(value)) {
      throw attributionTypeError(
        method,
        key,
        "a single value when inputs is a single tensor (arrays are for an array of inputs)",
        value,
        `Pass ${key}[0] itself, or pass the inputs as an array.`,
      );
    }
  }
}

/** The per-input options of `spec` resolved for each input and packed into `packed`. */
function packOptions(
  method: string,
  list: tf.Tensor[],
  layout: InputLayout,
  options: CallOptions,
  spec: CallSpec,
  packed: Record<string, unknown>,
  owned: tf.Tensor[],
): void {
  if (spec.baselines === "inputs" && options.baselines !== undefined) {
    const given = options.baselines;
    if (typeof given !== "number") {
      const entries = perInputArray(
        method,
        "baselines",
        given,
        list.length,
        "0 or tf.zerosLike(x)",
      );
      const resolved: tf.Tensor[] = [];
      try {
        entries.forEach((b, i) => {
          resolved.push(
            resolveBaselines(method, list[i], b as PerturbationBaseline, `baselines[${i}]`),
          );
        });
        packed.baselines = packTensors(resolved);
      } finally {
        tf.dispose(resolved);
      }
      owned.push(packed.baselines as tf.Tensor);
    }
  }
  if (spec.baselines === "distribution") {
    const entries = perInputArray(
      method,
      "baselines",
      options.baselines,
      list.length,
      "tf.zeros([1, ...shape])",
    );
    entries.forEach((b, i) => {
      const what = `baselines[${i}]`;
      assertBaselineDistribution(method, list[i], b, what);
      const rows = (entries[0] as tf.Tensor).shape[0];
      if (b.shape[0] !== rows) {
        throw attributionTypeError(
          method,
          what,
          `${rows} baseline rows, as baselines[0] (a draw picks the same row of every input)`,
          b,
          "Give every input's baseline distribution the same number of rows.",
        );
      }
    });
    packed.baselines = packTensors(entries as tf.Tensor[]);
    owned.push(packed.baselines as tf.Tensor);
  }
  if (spec.featureMask && options.featureMask !== undefined) {
    const entries = perInputArray(
      method,
      "featureMask",
      options.featureMask,
      list.length,
      "tf.tensor(ids, [1, ...shape], 'int32')",
    );
    packed.featureMask = packMasks(method, list, entries, "featureMask");
    owned.push(packed.featureMask as tf.Tensor);
  }
  if (spec.stdevs && Array.isArray(options.stdevs)) {
    const entries = perInputArray(method, "stdevs", options.stdevs, list.length, "0.1");
    const columns = new Float32Array(layout.width);
    entries.forEach((s, i) => {
      assertNumber(method, `stdevs[${i}]`, s, 0);
      columns.fill(s as number, layout.offsets[i], layout.offsets[i] + layout.sizes[i]);
    });
    packed.stdevs = columns;
  }
}

/**
 * Masks of `tensors` (`masks[i]` checked against `tensors[i]`, named `what[i]`) side by side as
 * the tensors are packed: `[1, D]`, or `[N, D]` when one mask has a mask per example. An id that
 * occurs in several masks is one feature (Captum's cross-tensor masks). A new tensor.
 *
 * @throws {TypeError} naming `what[i]` for a mask that does not broadcast to its tensor.
 */
export function packMasks(
  method: string,
  tensors: readonly tf.Tensor[],
  masks: readonly unknown[],
  what: string,
): tf.Tensor2D {
  masks.forEach((m, i) => assertMaskFits(method, tensors[i], m, `${what}[${i}]`));
  const list = masks as tf.Tensor[];
  const n = tensors[0].shape[0];
  const batch = list.some((m) => m.shape[0] === n) ? n : 1;
  return tf.tidy(() =>
    tf.concat(
      list.map((m, i) =>
        tf.broadcastTo(m.toFloat(), [batch, ...tensors[i].shape.slice(1)]).reshape([batch, -1])
      ),
      1,
    ) as tf.Tensor2D
  );
}

/**
 * `value` as an array of one entry per input, or a `TypeError` naming `what` whose fix shows
 * `example` for every input (or says `fix`).
 */
export function perInputArray(
  method: string,
  what: string,
  value: unknown,
  count: number,
  example: string,
  fix = `Pass e.g. ${what}: [${new Array(count).fill(example).join(", ")}].`,
): readonly unknown[] {
  if (!Array.isArray(value) || value.length !== count) {
    throw attributionTypeError(
      method,
      what,
      `an array of ${count} entries, one per input, in the inputs' order`,
      value,
      fix,
    );
  }
  return value;
}

/**
 * The model on one (packed) tensor: split it into the inputs (with a layout), add the extra
 * arguments, tensors with a batch axis gathered at the rows a {@linkcode RowTarget} hands over
 * (see `runForward`), or as given for a batch of the `n` examples themselves.
 */
function callForward(
  forward: ForwardFunction,
  layout: InputLayout | undefined,
  extras: readonly unknown[],
  n: number,
): ForwardFunction {
  const model = forward as unknown as (...args: unknown[]) => tf.Tensor;
  return ((x: tf.Tensor, rows?: Int32Array) => {
    const parts = layout ? unpackTensor(x, layout) : [x];
    const batch = x.shape[0];
    const args = extras.map((arg) => {
      if (!isBatchTensor(arg)) return arg;
      if (rows !== undefined) return tf.gather(arg, tf.tensor1d(rows, "int32"));
      if (batch === n) return arg;
      throw new Error(
        `Internal error: a batch of ${batch} rows reached the model without the examples its ` +
          "additionalForwardArgs should be expanded to.",
      );
    });
    return model(...parts, ...args);
  }) as ForwardFunction;
}

/**
 * Refuse `additionalForwardArgs` in a method that cannot pass them to the model (LRP, LayerLRP,
 * GuidedGradCam), instead of ignoring them.
 *
 * @throws {TypeError} naming the method when `options.additionalForwardArgs` is set.
 */
export function assertNoForwardArgs(method: string, options: object | undefined): void {
  const extra = (options as { additionalForwardArgs?: unknown } | undefined)?.additionalForwardArgs;
  if (extra === undefined) return;
  throw attributionTypeError(
    method,
    "additionalForwardArgs",
    `undefined (${method} runs the model's layers itself and cannot pass extra arguments)`,
    extra,
    "Wrap the model so that it takes the attributed input alone, or use a method that takes additionalForwardArgs (see the README's method table).",
  );
}
