/**
 * `DataLoaderAttribution`: FeatureAblation of a metric computed over a whole dataset, fed as
 * batches (Captum's `DataLoaderAttribution`), e.g. how much a dataset's accuracy or loss drops
 * when one input feature is replaced by its baseline in every example.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { FeatureAblation } from "./feature_ablation.ts";
import type { ForwardFunction, ModelLike } from "./types.ts";
import {
  assertFloatInputs,
  assertInteger,
  attributionRangeError,
  attributionTypeError,
} from "./_utils/errors.ts";
import { isLayersModel, toForwardFunction } from "./_utils/forward.ts";
import { type ResolvedFeatureMask, resolveFeatureMask } from "./_utils/feature_mask.ts";
import { callProgress } from "./_utils/progress.ts";

const METHOD = "DataLoaderAttribution";

/**
 * The role of each element of a batch (Captum's `InputRole`): `needAttr` (0) is perturbed,
 * attributed and passed to the model; `needForward` (1) is passed to the model as it is;
 * `noForward` (2) only reaches `reduce` (e.g. labels). Captum's docstring swaps 1 and 2; these
 * are the values its code uses.
 */
export const InputRole = { needAttr: 0, needForward: 1, noForward: 2 } as const;

/** One of the {@linkcode InputRole} values. */
export type InputRoleValue = (typeof InputRole)[keyof typeof InputRole];

/** A batch: one tensor, or an array whose elements have the roles of `inputRoles`. */
export type DataLoaderBatch = tf.Tensor | readonly unknown[];

/**
 * Batches, read once per pass: an iterable (e.g. an array of batches) or async iterable that
 * yields the same batches on every iteration, or a `tf.data.Dataset`.
 */
export type DataLoader<B extends DataLoaderBatch> =
  | Iterable<B>
  | AsyncIterable<B>
  | tf.data.Dataset<B extends tf.Tensor ? tf.Tensor : tf.TensorContainer[]>;

/**
 * Folds one batch's model output into the running state of one perturbation (Captum's
 * `reduce(accum, current_output, current_inputs)`): `accum` is `undefined` for the first
 * batch; `inputs` is the batch with the perturbation applied. Called inside `tf.tidy`: the
 * tensors it returns are kept, and tensors of the previous state that it does not return are
 * disposed. Return new tensors, not the batch's own.
 */
export type DataLoaderReduce<A> = (
  accum: A | undefined,
  output: tf.Tensor,
  inputs: readonly unknown[],
) => A;

/** Options of {@linkcode DataLoaderAttribution.attribute}. */
export interface DataLoaderAttributionOptions<A extends tf.TensorContainer = tf.Tensor> {
  /**
   * The role of each element of a batch (see {@linkcode InputRole}), one per element; at least
   * one `needAttr`. @default every element `needAttr`
   */
  inputRoles?: readonly InputRoleValue[];
  /**
   * The value of an ablated feature, one per `needAttr` element (a single value when there is
   * one): a number, or a tensor of batch size 1 broadcastable to the element's shape, shared
   * by every batch. @default 0
   */
  baselines?: number | tf.Tensor | readonly (number | tf.Tensor)[];
  /**
   * Integer feature ids, one mask per `needAttr` element (a single tensor when there is one),
   * of batch size 1 and broadcastable to the element's shape; the same id in several elements
   * is one feature. @default every scalar of every element its own feature, numbered across
   * the elements
   */
  featureMask?: tf.Tensor | readonly tf.Tensor[];
  /** How each perturbation's outputs accumulate over the batches. @default concatenation on axis 0 */
  reduce?: DataLoaderReduce<A>;
  /**
   * Turns a perturbation's accumulated state into the metric to attribute (called inside
   * `tf.tidy`). @default the state itself, which must then be a tensor
   */
  toMetric?: (accum: A) => tf.Tensor;
  /**
   * Perturbations evaluated in each pass over the data: `⌈features / perturbationsPerPass⌉`
   * passes (the unperturbed metric rides along the first). More per pass means fewer reads of
   * the data and more states held at once. @default 1 (Captum's)
   */
  perturbationsPerPass?: number;
  /** Show progress over the passes. @default false */
  showProgress?: boolean;
  /**
   * Dispose each batch's tensors once it is used. @default true for a `tf.data.Dataset` (it
   * makes new tensors on every pass), false for iterables (the caller's tensors)
   */
  disposeBatches?: boolean;
}

/** A `needAttr` element's layout: its shape without the batch axis and its feature ids. */
interface AttrElement {
  /** Position in the batch. */
  index: number;
  rowShape: number[];
  mask: ResolvedFeatureMask;
  /** Added to the mask's ids to make the feature ids (default masks number across elements). */
  offset: number;
  baseline: number | tf.Tensor;
}

/** The structure of every batch, read from the first one. */
interface Layout {
  isArray: boolean;
  roles: InputRoleValue[];
  elements: AttrElement[];
  numFeatures: number;
  /** Feature ids that occur in some mask, ascending: the perturbations. */
  present: number[];
}

/** Per-feature attributions, `[metricSize × numFeatures]` row-major, and the layout. */
interface FeatureAttributions {
  values: Float32Array;
  metricSize: number;
  layout: Layout;
}

/**
 * FeatureAblation over a dataset (Captum's `DataLoaderAttribution`): each feature's
 * attribution is `metric(data) − metric(data with the feature replaced by its baseline in
 * every batch)`, where the metric is `toMetric(reduce(…reduce(undefined, F(b₁)), F(bₙ)))`.
 * The metric may be a scalar (e.g. accuracy) or a tensor; each of its `K` elements gets its
 * own attributions.
 *
 * The data is read in `⌈features / perturbationsPerPass⌉` passes, so it must yield the same
 * batches on every iteration (an array, a re-iterable object or a `tf.data.Dataset`); a pass
 * that yields a different number of batches is an error.
 *
 * @example
 * ```ts
 * import { DataLoaderAttribution, FeatureAblation, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.matMul(tf.tensor2d([[1], [2], [3]])); // [N, 1]
 * const batches = [[tf.tensor2d([[1, 1, 1], [2, 0, 1]])], [tf.tensor2d([[0, 1, 2]])]];
 * const dla = new DataLoaderAttribution(new FeatureAblation(model));
 * const [attr] = await dla.attribute(batches, { toMetric: (outputs) => outputs.sum() });
 * attr.print(); // [[3, 4, 12]]: each weight times the feature's sum over the data
 * ```
 */
export class DataLoaderAttribution {
  /** The FeatureAblation whose model is attributed. */
  readonly attrMethod: FeatureAblation;
  /** The model, as given to the FeatureAblation. */
  readonly model: ModelLike;
  readonly #forward: ForwardFunction;

  /**
   * @param attrMethod a `FeatureAblation` (the one method Captum's DataLoaderAttribution
   *   supports); its model is run on the batches.
   * @throws {TypeError} for anything else.
   */
  constructor(attrMethod: FeatureAblation) {
    if (!(attrMethod instanceof FeatureAblation) || attrMethod.constructor !== FeatureAblation) {
      throw attributionTypeError(
        METHOD,
        "attrMethod",
        "a FeatureAblation (the one method DataLoaderAttribution supports, as in Captum)",
        attrMethod instanceof Object ? `a ${attrMethod.constructor.name}` : attrMethod,
        "Pass new FeatureAblation(model).",
      );
    }
    this.attrMethod = attrMethod;
    this.model = attrMethod.model;
    this.#forward = toForwardFunction(METHOD, this.model);
  }

  /**
   * Attributions of the metric to each feature, in the batches' shape (Captum's
   * `return_input_shape=True`): for each `needAttr` element of shape `[N, ...]`, a tensor
   * `[K, ...]` (K the metric's size, 1 for a scalar) whose elements carry their feature's
   * attribution. One tensor for tensor batches, an array (one per `needAttr` element) for
   * array batches (typed as either for a `tf.data.Dataset` of unknown elements, such as
   * `tf.data.array(rows).batch(n)`). The caller owns the returned tensors.
   *
   * @throws {TypeError} for batches that are not tensors or arrays, `needAttr` elements that
   *   are not float32 batches or change shape, masks or baselines that do not fit, or a metric
   *   that is not a tensor.
   * @throws {RangeError} for bad roles or `perturbationsPerPass`, an empty dataloader, a
   *   dataloader that yields a different number of batches on a later pass, or a metric whose
   *   size changes between perturbations.
   */
  attribute<A extends tf.TensorContainer = tf.Tensor>(
    dataloader: DataLoader<tf.Tensor>,
    options?: DataLoaderAttributionOptions<A>,
  ): Promise<tf.Tensor>;
  attribute<A extends tf.TensorContainer = tf.Tensor>(
    dataloader: DataLoader<readonly unknown[]>,
    options?: DataLoaderAttributionOptions<A>,
  ): Promise<tf.Tensor[]>;
  attribute<A extends tf.TensorContainer = tf.Tensor>(
    dataloader: tf.data.Dataset<tf.TensorContainer>,
    options?: DataLoaderAttributionOptions<A>,
  ): Promise<tf.Tensor | tf.Tensor[]>;
  async attribute<A extends tf.TensorContainer = tf.Tensor>(
    dataloader: DataLoader<DataLoaderBatch> | tf.data.Dataset<tf.TensorContainer>,
    options: DataLoaderAttributionOptions<A> = {},
  ): Promise<tf.Tensor | tf.Tensor[]> {
    const { values, metricSize: k, layout } = await this.#attributeFeatures(dataloader, options);
    const f = layout.numFeatures;
    const out = layout.elements.map(({ rowShape, mask, offset }) => {
      const size = mask.featureSize;
      const attr = new Float32Array(k * size);
      for (let row = 0; row < k; row++) {
        const at = row * f + offset;
        for (let i = 0; i < size; i++) attr[row * size + i] = values[at + mask.ids[i]];
      }
      return tf.tensor(attr, [k, ...rowShape]);
    });
    return layout.isArray ? out : out[0];
  }

  /**
   * One attribution per feature id (Captum's `return_input_shape=False`): `[K, features]`,
   * K the metric's size (1 for a scalar), features the largest id + 1 (ids that occur in no
   * mask get 0). The caller owns the returned tensor. Options and errors as `attribute()`.
   */
  async attributeFeatures<A extends tf.TensorContainer = tf.Tensor>(
    dataloader: DataLoader<DataLoaderBatch> | tf.data.Dataset<tf.TensorContainer>,
    options: DataLoaderAttributionOptions<A> = {},
  ): Promise<tf.Tensor2D> {
    const { values, metricSize, layout } = await this.#attributeFeatures(dataloader, options);
    return tf.tensor2d(values, [metricSize, layout.numFeatures]);
  }

  async #attributeFeatures<A extends tf.TensorContainer>(
    dataloader: DataLoader<DataLoaderBatch> | tf.data.Dataset<tf.TensorContainer>,
    options: DataLoaderAttributionOptions<A>,
  ): Promise<FeatureAttributions> {
    const { perturbationsPerPass = 1, reduce = concatOutputs as unknown as DataLoaderReduce<A> } =
      options;
    assertInteger(METHOD, "perturbationsPerPass", perturbationsPerPass);
    const source = batchSource(dataloader);
    const disposeBatches = options.disposeBatches ?? source.isDataset;
    const first = await source.open();
    const head = await first.next();
    if (head.done) {
      throw attributionRangeError(
        METHOD,
        "dataloader",
        "batches to read",
        "an empty dataloader",
        "Pass at least one batch (an array of batches, an iterable or a tf.data.Dataset).",
      );
    }
    let layout: Layout;
    try {
      layout = resolveLayout(head.value, options, this.model);
    } catch (error) {
      if (disposeBatches) tf.dispose(head.value as tf.TensorContainer);
      await first.return?.();
      throw error;
    }
    const { present } = layout;
    const numPasses = Math.max(1, Math.ceil(present.length / perturbationsPerPass));
    const progress = callProgress(options.showProgress, METHOD, numPasses, "passes");
    // metrics[0]: unperturbed; metrics[1 + p]: feature present[p] ablated.
    const metrics: Float64Array[] = [];
    let batchesPerPass = 0;
    for (let pass = 0; pass < numPasses; pass++) {
      const features = present.slice(
        pass * perturbationsPerPass,
        (pass + 1) * perturbationsPerPass,
      );
      const states: (number | null)[] = pass === 0 ? [null, ...features] : features;
      const iterator = pass === 0 ? first : await source.open();
      const pending = pass === 0 ? head : undefined;
      const run = new PassRun(this.#forward, this.model, layout, states, reduce);
      let batches = 0;
      try {
        for (
          let next = pending ?? await iterator.next();
          !next.done;
          next = await iterator.next()
        ) {
          try {
            checkBatch(next.value, layout, batches);
            run.add(next.value);
          } finally {
            if (disposeBatches) tf.dispose(next.value as tf.TensorContainer);
          }
          batches++;
        }
        if (pass === 0) batchesPerPass = batches;
        else if (batches !== batchesPerPass) {
          throw attributionRangeError(
            METHOD,
            "dataloader",
            `the same batches on every pass (${batchesPerPass} on the first)`,
            `${batches} batches on pass ${pass + 1}`,
            "Pass an array of batches, an object whose [Symbol.iterator]() starts over, or a " +
              "tf.data.Dataset (a generator object is read only once), or raise " +
              "perturbationsPerPass to read the data in one pass.",
          );
        }
        metrics.push(...run.metrics(options.toMetric));
      } catch (error) {
        await iterator.return?.();
        throw error;
      } finally {
        run.dispose();
      }
      await progress.advance(pass + 1);
    }
    await progress.finish();
    return featureAttributions(metrics, layout);
  }
}

/** `base − ablated` per metric element and feature; features in no mask get 0. */
function featureAttributions(metrics: Float64Array[], layout: Layout): FeatureAttributions {
  const base = metrics[0];
  const k = base.length;
  const f = layout.numFeatures;
  const values = new Float32Array(k * f);
  layout.present.forEach((feature, p) => {
    const ablated = metrics[1 + p];
    if (ablated.length !== k) {
      throw attributionRangeError(
        METHOD,
        "the metric (toMetric, or reduce without it)",
        `of one size for every perturbation (${k} unperturbed)`,
        `${ablated.length} values with feature ${feature} ablated`,
        "Return a metric whose shape does not depend on the inputs' values.",
      );
    }
    for (let row = 0; row < k; row++) values[row * f + feature] = base[row] - ablated[row];
  });
  return { values, metricSize: k, layout };
}

/** Captum's default `reduce`: the outputs concatenated along axis 0. */
function concatOutputs(accum: tf.Tensor | undefined, output: tf.Tensor): tf.Tensor {
  return accum === undefined ? output : tf.concat([accum, output]);
}

/** An iterator over batches, and whether it closes early. */
interface BatchIterator {
  next(): Promise<IteratorResult<unknown>>;
  return?(): Promise<unknown>;
}

/** How to open one pass over `dataloader`. */
function batchSource(dataloader: unknown): {
  open(): Promise<BatchIterator>;
  isDataset: boolean;
} {
  if (dataloader instanceof tf.data.Dataset) {
    return {
      isDataset: true,
      open: async () => {
        const it = await dataloader.iterator();
        return { next: () => it.next() };
      },
    };
  }
  const d = dataloader as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (d != null && typeof d[Symbol.asyncIterator] === "function") {
    return {
      isDataset: false,
      open: () => {
        const it = d[Symbol.asyncIterator]!();
        return Promise.resolve({ next: () => it.next(), return: async () => await it.return?.() });
      },
    };
  }
  if (d != null && typeof d[Symbol.iterator] === "function" && !(d instanceof tf.Tensor)) {
    return {
      isDataset: false,
      open: () => {
        const it = d[Symbol.iterator]!();
        return Promise.resolve({
          next: () => Promise.resolve(it.next()),
          return: () => Promise.resolve(it.return?.()),
        });
      },
    };
  }
  throw attributionTypeError(
    METHOD,
    "dataloader",
    "an iterable or async iterable of batches, or a tf.data.Dataset",
    dataloader,
    "Pass e.g. an array of batches [[x1, y1], [x2, y2]] or tf.data.array(...).batch(64).",
  );
}

/** The elements of `batch` (a tensor is one element), or a TypeError naming batch `index`. */
function batchItems(batch: unknown, index: number): readonly unknown[] {
  if (batch instanceof tf.Tensor) return [batch];
  if (Array.isArray(batch)) return batch;
  throw attributionTypeError(
    METHOD,
    `batch ${index} of the dataloader`,
    "a tf.Tensor or an array of elements (e.g. [x, y])",
    batch,
    "Yield tensors or arrays; map a dataset of objects to arrays, e.g. " +
      "dataset.map(({ xs, ys }) => [xs, ys]).",
  );
}

/** Validate the options against the first batch and resolve masks, baselines and roles. */
function resolveLayout<A extends tf.TensorContainer>(
  batch: unknown,
  options: DataLoaderAttributionOptions<A>,
  model: ModelLike,
): Layout {
  const items = batchItems(batch, 0);
  const roles = resolveRoles(options.inputRoles, items.length);
  const attrIndices = roles.flatMap((r, i) => (r === InputRole.needAttr ? [i] : []));
  attrIndices.forEach((i) => assertFloatInputs(METHOD, items[i], `batch element ${i}`));
  const forwardCount = roles.filter((r) => r !== InputRole.noForward).length;
  if (forwardCount !== 1 && (isLayersModel(model) || model instanceof tf.GraphModel)) {
    throw attributionTypeError(
      METHOD,
      "inputRoles",
      "exactly one element passed to a one-input model (role needAttr or needForward)",
      roles,
      "Give the other elements role noForward (2), or wrap the model in a function of several " +
        "tensors.",
    );
  }
  const masks = perElement<tf.Tensor | undefined>(
    "featureMask",
    options.featureMask,
    attrIndices.length,
    undefined,
  );
  const baselines = perElement<number | tf.Tensor>(
    "baselines",
    options.baselines,
    attrIndices.length,
    0,
  );
  let next = 0;
  const elements = attrIndices.map((index, j): AttrElement => {
    const x = items[index] as tf.Tensor;
    const rowShape = x.shape.slice(1);
    const what = attrIndices.length === 1 ? "featureMask" : `featureMask[${j}]`;
    const given = masks[j];
    if (
      options.featureMask !== undefined && !(given instanceof tf.Tensor && given.shape[0] === 1)
    ) {
      throw attributionTypeError(
        METHOD,
        what,
        "a tensor of integer ids of batch size 1, shared by every batch",
        given,
        `Give it the shape [1, ${rowShape.join(", ")}].`,
      );
    }
    const mask = resolveFeatureMask(METHOD, x, given);
    // Default ids continue across elements, as Captum's `_format_feature_mask`.
    const offset = given === undefined ? next : 0;
    next += mask.featureSize;
    const baseline = baselines[j];
    checkBaseline(baseline, x, attrIndices.length === 1 ? "baselines" : `baselines[${j}]`);
    return { index, rowShape, mask, offset, baseline };
  });
  const numFeatures = Math.max(...elements.map((e) => e.mask.numFeatures + e.offset));
  const ids = elements.flatMap((e) => Array.from(e.mask.present, (id) => id + e.offset));
  const present = [...new Set(ids)].sort((a, b) => a - b);
  return { isArray: Array.isArray(batch), roles, elements, numFeatures, present };
}

/** `inputRoles` validated, or every element `needAttr`. */
function resolveRoles(roles: readonly InputRoleValue[] | undefined, count: number) {
  if (roles === undefined) return new Array<InputRoleValue>(count).fill(InputRole.needAttr);
  const valid = Array.isArray(roles) && roles.length === count &&
    roles.every((r) => r === 0 || r === 1 || r === 2) && roles.includes(InputRole.needAttr);
  if (!valid) {
    throw attributionRangeError(
      METHOD,
      "inputRoles",
      `one role (0 needAttr, 1 needForward, 2 noForward) per element of a batch (${count}), ` +
        "at least one needAttr",
      roles,
      "Pass e.g. [InputRole.needAttr, InputRole.noForward] for batches [x, labels].",
    );
  }
  return [...roles];
}

/** A per-`needAttr`-element option as a list: a single value for one element, else an array. */
function perElement<T>(
  what: string,
  value: T | readonly T[] | undefined,
  count: number,
  fallback: T,
): T[] {
  if (value === undefined) return new Array<T>(count).fill(fallback);
  if (!Array.isArray(value)) {
    if (count === 1) return [value as T];
  } else if (value.length === count) return [...value];
  throw attributionTypeError(
    METHOD,
    what,
    `one value per needAttr element of a batch (${count})`,
    value,
    `Pass an array of ${count} values, in the order of the needAttr elements.`,
  );
}

/** A baseline must be a finite number or a live tensor `[1, ...]` broadcastable to a row. */
function checkBaseline(baseline: unknown, x: tf.Tensor, what: string): void {
  if (typeof baseline === "number" && Number.isFinite(baseline)) return;
  const fits = baseline instanceof tf.Tensor && !baseline.isDisposed &&
    baseline.rank === x.rank && baseline.shape[0] === 1 &&
    (baseline.shape as number[]).every((d, i) => i === 0 || d === 1 || d === x.shape[i]);
  if (!fits) {
    throw attributionTypeError(
      METHOD,
      what,
      `a finite number or a tensor of batch size 1 broadcastable to [1, ${
        x.shape.slice(1).join(", ")
      }]`,
      baseline,
      "Pass e.g. 0 or a mean example with a batch axis of 1.",
    );
  }
}

/** Check that batch `index` has the first batch's structure. */
function checkBatch(batch: unknown, layout: Layout, index: number): void {
  const items = batchItems(batch, index);
  if (Array.isArray(batch) !== layout.isArray || items.length !== layout.roles.length) {
    throw attributionTypeError(
      METHOD,
      `batch ${index} of the dataloader`,
      `a batch like the first (${
        layout.isArray ? `an array of ${layout.roles.length} elements` : "a tensor"
      })`,
      batch,
      "Yield batches of one structure.",
    );
  }
  for (const { index: i, rowShape } of layout.elements) {
    const what = `element ${i} of batch ${index}`;
    assertFloatInputs(METHOD, items[i], what);
    const shape = (items[i] as tf.Tensor).shape.slice(1);
    if (!tf.util.arraysEqual(shape, rowShape)) {
      throw attributionTypeError(
        METHOD,
        what,
        `a batch [N, ${rowShape.join(", ")}], as in the first batch`,
        items[i],
        "Yield batches whose examples have one shape (only N may change).",
      );
    }
  }
}

/** The tensors held in a container (tensor, array or plain object). */
function tensorsIn(container: unknown, out: Set<tf.Tensor> = new Set()): Set<tf.Tensor> {
  if (container instanceof tf.Tensor) out.add(container);
  else if (Array.isArray(container)) container.forEach((c) => tensorsIn(c, out));
  else if (container !== null && typeof container === "object" && !ArrayBuffer.isView(container)) {
    Object.values(container).forEach((c) => tensorsIn(c, out));
  }
  return out;
}

/** Dispose the tensors of `previous` that `next` does not hold. */
function disposeReplaced(previous: unknown, next: unknown): void {
  const kept = tensorsIn(next);
  for (const t of tensorsIn(previous)) if (!kept.has(t)) t.dispose();
}

/**
 * One pass over the data for a list of states (`null` unperturbed, else a feature id to
 * ablate): the keep factors of each state and element, and each state's running `reduce`.
 */
class PassRun<A extends tf.TensorContainer> {
  readonly #keeps: (tf.Tensor | null)[][];
  readonly #accums: (A | undefined)[];

  constructor(
    readonly forward: ForwardFunction,
    readonly model: ModelLike,
    readonly layout: Layout,
    readonly states: readonly (number | null)[],
    readonly reduce: DataLoaderReduce<A>,
  ) {
    this.#keeps = states.map((feature) =>
      layout.elements.map(({ mask, rowShape, offset }) => {
        const id = feature === null ? -1 : feature - offset;
        if (id < 0 || id >= mask.numFeatures || mask.starts[id] === mask.starts[id + 1]) {
          return null;
        }
        const keep = new Float32Array(mask.featureSize).fill(1);
        for (let k = mask.starts[id]; k < mask.starts[id + 1]; k++) {
          keep[mask.members[k]] = 0;
        }
        return tf.tensor(keep, [1, ...rowShape]);
      })
    );
    this.#accums = states.map(() => undefined);
  }

  /** Run the model on `batch` under every state and fold the outputs. */
  add(batch: unknown): void {
    const items = batchItems(batch, 0);
    this.states.forEach((_, s) => {
      const previous = this.#accums[s];
      const next = tf.tidy(() => {
        const perturbed = [...items];
        this.layout.elements.forEach(({ index, baseline }, j) => {
          const keep = this.#keeps[s][j];
          if (keep === null) return;
          const x = items[index] as tf.Tensor;
          perturbed[index] = x.mul(keep).add(tf.scalar(1).sub(keep).mul(baseline));
        });
        const output = this.#run(perturbed);
        return this.reduce(previous, output, perturbed);
      });
      disposeReplaced(previous, next);
      this.#accums[s] = next;
    });
  }

  #run(perturbed: readonly unknown[]): tf.Tensor {
    const inputs = perturbed.filter((_, i) => this.layout.roles[i] !== InputRole.noForward);
    const output = inputs.length === 1
      ? this.forward(inputs[0] as tf.Tensor)
      : (this.model as (...xs: unknown[]) => tf.Tensor)(...inputs);
    if (!(output instanceof tf.Tensor)) {
      throw attributionTypeError(
        METHOD,
        "the model's output",
        "a tf.Tensor",
        output,
        "Return a tensor from the forward function.",
      );
    }
    return output;
  }

  /** Each state's metric on the host; the states are disposed. */
  metrics(toMetric: ((accum: A) => tf.Tensor) | undefined): Float64Array[] {
    return this.#accums.map((accum, s) => {
      const metric = toMetric === undefined ? accum : tf.tidy(() => toMetric(accum as A));
      try {
        if (!(metric instanceof tf.Tensor)) {
          throw attributionTypeError(
            METHOD,
            toMetric === undefined ? "the state reduce accumulates" : "what toMetric returns",
            "a tf.Tensor (the metric to attribute)",
            metric,
            toMetric === undefined
              ? "Pass toMetric to turn the accumulated state into a tensor."
              : "Return a tensor from toMetric.",
          );
        }
        return Float64Array.from(metric.dataSync());
      } finally {
        disposeReplaced(accum, undefined);
        disposeReplaced(metric, undefined);
        this.#accums[s] = undefined;
      }
    });
  }

  /** Free the keep factors and any state not yet read. */
  dispose(): void {
    for (const keeps of this.#keeps) for (const k of keeps) k?.dispose();
    for (const accum of this.#accums) disposeReplaced(accum, undefined);
  }
}
