/**
 * Running statistics over a stream of tensors, as Captum's `captum.attr._utils.stat`: `Count`,
 * `Mean`, `MSE`, `Var` and `StdDev` (Welford's running mean and sum of squared deviations), and
 * `Min`, `Max` and `Sum` (a running element-wise fold). A {@linkcode Summarizer} holds them.
 *
 * A stat reads the stats it depends on (`Mean` reads `Count`, `Var` reads `MSE` and `Count`,
 * `StdDev` reads `Var` of its order) through the summarizer, which adds and orders them. Two
 * stats of the same class and parameters are the same stat (Captum's `__eq__`/`__hash__`).
 *
 * Ownership: a stat owns the tensors it keeps (`tf.keep`, so updates inside a caller's `tf.tidy`
 * are safe); each `update()` disposes the ones it replaces, and `dispose()` frees them. `get()` returns a new tensor (a cheap `tf.clone` for a kept one) that
 * the caller owns, or a number (`Count`), or `undefined` before the first update.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** What a stat's `get()` returns: a tensor (the caller owns it) or a number (`Count`). */
export type StatValue = tf.Tensor | number;

/** How a stat finds the stats it depends on: the instance equal to `stat`, if any. */
export interface StatLookup {
  get(stat: Stat): Stat | undefined;
}

/** Options of the stats that take only a name. */
export interface StatOptions {
  /** The key of the stat in a summary. @default the stat's Captum name, e.g. `"mean"` */
  name?: string;
}

/** Options of {@linkcode Var} and {@linkcode StdDev}. */
export interface OrderOptions extends StatOptions {
  /**
   * The variance's denominator is `n − order`: 0 for the population variance, 1 for the sample
   * variance (Bessel's correction). Zero while `n ≤ order`.
   * @default 0
   */
  order?: number;
}

/**
 * A statistic that is updated with one tensor at a time and read at any point (Captum's `Stat`).
 * Subclass it for a custom statistic: implement `update`, `get` and `copy`, and `dependencies` /
 * `init` to read other stats.
 *
 * @example
 * ```ts
 * import { Mean, Summarizer, tf } from "../mod.ts";
 * const s = new Summarizer([new Mean()]);
 * s.update(tf.tensor1d([1, 2]));
 * s.update(tf.tensor1d([3, 6]));
 * const { mean } = s.summary!;
 * (mean as tf.Tensor).print(); // [2, 4]
 * ```
 */
export abstract class Stat {
  /** The stat's parameters (e.g. `{ order: 1 }`); with the class, its identity. */
  readonly params: Readonly<Record<string, number>>;
  /** The name given to the constructor, if any. */
  protected readonly customName: string | undefined;

  constructor(name?: string, params: Record<string, number> = {}) {
    this.customName = name;
    this.params = { ...params };
  }

  /**
   * The key of the stat in a summary: the name given, else the class name in lower case with
   * its parameters, e.g. `"mean"` (Captum's `Stat.name`).
   */
  get name(): string {
    if (this.customName !== undefined) return this.customName;
    const base = this.constructor.name.toLowerCase();
    const entries = Object.entries(this.params);
    return entries.length === 0 ? base : `${base}(${entries.map(([k, v]) => `${k}=${v}`)})`;
  }

  /** The stat's identity: class and parameters (Captum's `__hash__`), not its name. */
  get key(): string {
    const params = Object.keys(this.params).sort().map((k) => `${k}=${this.params[k]}`);
    return `${this.constructor.name}(${params.join(",")})`;
  }

  /** Whether `other` is the same stat: same class and parameters (Captum's `__eq__`). */
  equals(other: Stat): boolean {
    return this.key === other.key;
  }

  /** The stats this one reads; a summarizer adds them and updates them first. @default none */
  dependencies(): Stat[] {
    return [];
  }

  /** Bind the stats this one reads (called once, after every stat of the summarizer exists). */
  init(_lookup: StatLookup): void {}

  /** Add one tensor. Does not keep or dispose `x`. */
  abstract update(x: tf.Tensor): void;

  /** The current value, a new tensor the caller owns (or a number); undefined before any update. */
  abstract get(): StatValue | undefined;

  /** A new stat of the same class and configuration, without state. */
  abstract copy(): Stat;

  /** Free the tensors the stat keeps. */
  dispose(): void {}
}

/** The stat equal to `stat` in `lookup`, which a summarizer guarantees to exist. */
function required<T extends Stat>(lookup: StatLookup, stat: T): T {
  const found = lookup.get(stat);
  if (found === undefined) {
    throw new Error(
      `Cannot summarize: the stat ${stat.key} is missing from the summarizer. Create stats ` +
        `through a Summarizer, which adds the ones they depend on.`,
    );
  }
  return found as T;
}

/** The numeric value of `stat` (a `Count`), or 0 before any update. */
function countOf(stat: Count): number {
  return stat.get() ?? 0;
}

/** `tensor` replaced by `next`: dispose `tensor` unless `next` is the same tensor. */
function replace(tensor: tf.Tensor | null, next: tf.Tensor): tf.Tensor {
  if (tensor !== null && tensor !== next) tensor.dispose();
  return tf.keep(next);
}

/**
 * The number of updates (Captum's `Count`), a number.
 *
 * @example
 * ```ts
 * import { Count, Summarizer, tf } from "../mod.ts";
 * const s = new Summarizer([new Count()]);
 * s.update(tf.tensor1d([1, 2]));
 * console.log(s.summary!.count); // 1
 * ```
 */
export class Count extends Stat {
  #n: number | undefined;

  constructor(options: StatOptions = {}) {
    super(options.name);
  }

  override update(_x: tf.Tensor): void {
    this.#n = (this.#n ?? 0) + 1;
  }

  override get(): number | undefined {
    return this.#n;
  }

  override copy(): Count {
    return new Count({ name: this.customName });
  }
}

/**
 * The element-wise running mean, `mean += (x − mean) / n` (Captum's `Mean`), in float32.
 *
 * @example
 * ```ts
 * import { Mean, Summarizer, tf } from "../mod.ts";
 * const s = new Summarizer([new Mean()]);
 * for (const v of [1, 2, 6]) s.update(tf.scalar(v));
 * (s.summary!.mean as tf.Tensor).print(); // 3
 * ```
 */
export class Mean extends Stat {
  #mean: tf.Tensor | null = null;
  #count: Count | undefined;

  constructor(options: StatOptions = {}) {
    super(options.name);
  }

  override dependencies(): Stat[] {
    return [new Count()];
  }

  override init(lookup: StatLookup): void {
    this.#count = required(lookup, new Count());
  }

  override update(x: tf.Tensor): void {
    const mean = this.#mean;
    if (mean === null) {
      this.#mean = tf.keep(x.dtype === "float32" ? tf.clone(x) : x.toFloat());
      return;
    }
    const n = countOf(this.#count!);
    this.#mean = replace(mean, tf.tidy(() => mean.add(x.toFloat().sub(mean).div(n))));
  }

  override get(): tf.Tensor | undefined {
    return this.#mean === null ? undefined : tf.clone(this.#mean);
  }

  /** The running mean itself, kept by the stat (for the stats that read it). */
  current(): tf.Tensor | null {
    return this.#mean;
  }

  override copy(): Mean {
    return new Mean({ name: this.customName });
  }

  override dispose(): void {
    this.#mean?.dispose();
    this.#mean = null;
  }
}

/**
 * The running sum of squared deviations from the mean, `Σ (x − mean_{n−1})(x − mean_n)`
 * (Welford's M2; Captum's `MSE`). Zero after one update.
 *
 * @example
 * ```ts
 * import { MSE, Summarizer, tf } from "../mod.ts";
 * const s = new Summarizer([new MSE()]);
 * for (const v of [1, 2, 6]) s.update(tf.scalar(v));
 * (s.summary!.mse as tf.Tensor).print(); // 14: (1−3)² + (2−3)² + (6−3)²
 * ```
 */
export class MSE extends Stat {
  #prevMean: tf.Tensor | null = null;
  #mse: tf.Tensor | null = null;
  #mean: Mean | undefined;

  constructor(options: StatOptions = {}) {
    super(options.name);
  }

  override dependencies(): Stat[] {
    return [new Mean()];
  }

  override init(lookup: StatLookup): void {
    this.#mean = required(lookup, new Mean());
  }

  override update(x: tf.Tensor): void {
    const mean = this.#mean!.current()!;
    const prev = this.#prevMean;
    if (prev !== null) {
      const mse = this.#mse;
      this.#mse = replace(
        mse,
        tf.tidy(() => {
          const rhs = x.toFloat().sub(prev).mul(x.toFloat().sub(mean));
          return mse === null ? rhs : mse.add(rhs);
        }),
      );
    }
    this.#prevMean = replace(prev, tf.clone(mean));
  }

  override get(): tf.Tensor | undefined {
    if (this.#mse === null) {
      return this.#prevMean === null ? undefined : tf.zerosLike(this.#prevMean);
    }
    return tf.clone(this.#mse);
  }

  override copy(): MSE {
    return new MSE({ name: this.customName });
  }

  override dispose(): void {
    tf.dispose([this.#prevMean, this.#mse].filter((t): t is tf.Tensor => t !== null));
    this.#prevMean = null;
    this.#mse = null;
  }
}

/** Captum's default names of the parameterized stats: `base`, `sample_base`, `base(order)`. */
function orderName(base: string, order: number): string {
  if (order === 0) return base;
  if (order === 1) return `sample_${base}`;
  return `${base}(${order})`;
}

/** Validate `order` (a non-negative integer) for `stat`. */
function checkedOrder(stat: string, order: number): number {
  if (!Number.isInteger(order) || order < 0) {
    throw new RangeError(
      `Cannot create the ${stat} stat: order must be a non-negative integer, received ` +
        `${order}. Pass 0 (population) or 1 (sample).`,
    );
  }
  return order;
}

/**
 * The variance, `MSE / (n − order)` (Captum's `Var`): `order: 0` the population variance
 * (named `"variance"`), `order: 1` the sample variance (`"sample_variance"`). Zero while
 * `n ≤ order`.
 *
 * @example
 * ```ts
 * import { Summarizer, tf, Var } from "../mod.ts";
 * const s = new Summarizer([new Var(), new Var({ order: 1 })]);
 * for (const v of [1, 2, 6]) s.update(tf.scalar(v));
 * (s.summary!.variance as tf.Tensor).print(); // 14 / 3
 * (s.summary!.sample_variance as tf.Tensor).print(); // 7
 * ```
 */
export class Var extends Stat {
  /** The order: the denominator is `n − order`. */
  readonly order: number;
  #mse: MSE | undefined;
  #count: Count | undefined;

  constructor(options: OrderOptions = {}) {
    const order = checkedOrder("Var", options.order ?? 0);
    super(options.name ?? orderName("variance", order), { order });
    this.order = order;
  }

  override dependencies(): Stat[] {
    return [new MSE(), new Count()];
  }

  override init(lookup: StatLookup): void {
    this.#mse = required(lookup, new MSE());
    this.#count = required(lookup, new Count());
  }

  override update(_x: tf.Tensor): void {}

  override get(): tf.Tensor | undefined {
    const mse = this.#mse!.get();
    if (mse === undefined) return undefined;
    const n = countOf(this.#count!);
    try {
      return n <= this.order ? tf.zerosLike(mse) : mse.div(n - this.order);
    } finally {
      mse.dispose();
    }
  }

  override copy(): Var {
    return new Var({ name: this.customName, order: this.order });
  }
}

/**
 * The standard deviation, `√Var(order)` (Captum's `StdDev`): `"std_dev"` for order 0,
 * `"sample_std_dev"` for order 1.
 *
 * @example
 * ```ts
 * import { StdDev, Summarizer, tf } from "../mod.ts";
 * const s = new Summarizer([new StdDev({ order: 1 })]);
 * for (const v of [1, 2, 6]) s.update(tf.scalar(v));
 * (s.summary!.sample_std_dev as tf.Tensor).print(); // √7
 * ```
 */
export class StdDev extends Stat {
  /** The order of the variance it is the square root of. */
  readonly order: number;
  #var: Var | undefined;

  constructor(options: OrderOptions = {}) {
    const order = checkedOrder("StdDev", options.order ?? 0);
    super(options.name ?? orderName("std_dev", order), { order });
    this.order = order;
  }

  override dependencies(): Stat[] {
    return [new Var({ order: this.order })];
  }

  override init(lookup: StatLookup): void {
    this.#var = required(lookup, new Var({ order: this.order }));
  }

  override update(_x: tf.Tensor): void {}

  override get(): tf.Tensor | undefined {
    const v = this.#var!.get();
    if (v === undefined) return undefined;
    try {
      return v.sqrt();
    } finally {
      v.dispose();
    }
  }

  override copy(): StdDev {
    return new StdDev({ name: this.customName, order: this.order });
  }
}

/** A binary tensor function that folds the running result with the next tensor. */
export type AccumulateFunction = (result: tf.Tensor, x: tf.Tensor) => tf.Tensor;

/**
 * `result = fn(result, x)` over the updates, starting from the first tensor (Captum's
 * `GeneralAccumFn`); the base of {@linkcode Min}, {@linkcode Max} and {@linkcode Sum}.
 *
 * @example
 * ```ts
 * import { GeneralAccumFn, Summarizer, tf } from "../mod.ts";
 * const product = new GeneralAccumFn((a, b) => a.mul(b), { name: "product" });
 * const s = new Summarizer([product]);
 * for (const v of [2, 3, 4]) s.update(tf.scalar(v));
 * (s.summary!.product as tf.Tensor).print(); // 24
 * ```
 */
export class GeneralAccumFn extends Stat {
  /** The folding function (called inside `tf.tidy`). */
  readonly fn: AccumulateFunction;
  #result: tf.Tensor | null = null;

  constructor(fn: AccumulateFunction, options: StatOptions = {}) {
    super(options.name);
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot create the ${new.target.name} stat: fn must be a function (result, x) => tensor, ` +
          `received ${typeof fn}. Pass e.g. (a, b) => tf.maximum(a, b).`,
      );
    }
    this.fn = fn;
  }

  override update(x: tf.Tensor): void {
    const result = this.#result;
    if (result === null) {
      this.#result = tf.keep(tf.clone(x));
      return;
    }
    this.#result = replace(result, tf.tidy(() => this.fn(result, x)));
  }

  override get(): tf.Tensor | undefined {
    return this.#result === null ? undefined : tf.clone(this.#result);
  }

  /**
   * A new stat of this class (`Min`, `Max`, `Sum` or a subclass) with the same function and
   * name. A subclass that adds configuration of its own overrides it.
   */
  override copy(): GeneralAccumFn {
    return Reflect.construct(
      GeneralAccumFn,
      [this.fn, { name: this.customName }],
      this.constructor,
    );
  }

  override dispose(): void {
    this.#result?.dispose();
    this.#result = null;
  }
}

/** Options of {@linkcode Min}. */
export interface MinOptions extends StatOptions {
  /** The element-wise minimum of two tensors. @default tf.minimum */
  minFn?: AccumulateFunction;
}

/**
 * The element-wise minimum over the updates (Captum's `Min`).
 *
 * @example
 * ```ts
 * import { Min, Summarizer, tf } from "../mod.ts";
 * const s = new Summarizer([new Min()]);
 * s.update(tf.tensor1d([1, 5]));
 * s.update(tf.tensor1d([3, 2]));
 * (s.summary!.min as tf.Tensor).print(); // [1, 2]
 * ```
 */
export class Min extends GeneralAccumFn {
  constructor(options: MinOptions = {}) {
    super(options.minFn ?? ((a, b) => tf.minimum(a, b)), { name: options.name });
  }
}

/** Options of {@linkcode Max}. */
export interface MaxOptions extends StatOptions {
  /** The element-wise maximum of two tensors. @default tf.maximum */
  maxFn?: AccumulateFunction;
}

/**
 * The element-wise maximum over the updates (Captum's `Max`).
 *
 * @example
 * ```ts
 * import { Max, Summarizer, tf } from "../mod.ts";
 * const s = new Summarizer([new Max()]);
 * s.update(tf.tensor1d([1, 5]));
 * s.update(tf.tensor1d([3, 2]));
 * (s.summary!.max as tf.Tensor).print(); // [3, 5]
 * ```
 */
export class Max extends GeneralAccumFn {
  constructor(options: MaxOptions = {}) {
    super(options.maxFn ?? ((a, b) => tf.maximum(a, b)), { name: options.name });
  }
}

/** Options of {@linkcode Sum}. */
export interface SumOptions extends StatOptions {
  /** The element-wise sum of two tensors. @default tf.add */
  addFn?: AccumulateFunction;
}

/**
 * The element-wise sum over the updates (Captum's `Sum`).
 *
 * @example
 * ```ts
 * import { Summarizer, Sum, tf } from "../mod.ts";
 * const s = new Summarizer([new Sum()]);
 * s.update(tf.tensor1d([1, 5]));
 * s.update(tf.tensor1d([3, 2]));
 * (s.summary!.sum as tf.Tensor).print(); // [4, 7]
 * ```
 */
export class Sum extends GeneralAccumFn {
  constructor(options: SumOptions = {}) {
    super(options.addFn ?? ((a, b) => tf.add(a, b)), { name: options.name });
  }
}

/**
 * Captum's `CommonStats()`: the mean, sample variance, sample standard deviation, minimum and
 * maximum, as new stats.
 *
 * @example
 * ```ts
 * import { CommonStats, Summarizer, tf } from "../mod.ts";
 * const s = new Summarizer(CommonStats());
 * s.update(tf.tensor1d([1, 2]));
 * console.log(Object.keys(s.summary!)); // mean, sample_variance, sample_std_dev, min, max
 * ```
 */
export function CommonStats(): Stat[] {
  return [new Mean(), new Var({ order: 1 }), new StdDev({ order: 1 }), new Min(), new Max()];
}
