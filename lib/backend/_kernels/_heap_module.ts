/**
 * Hand-written WebAssembly modules that run on the wasm backend's own heap: each imports the
 * backend's memory (`env.memory`) and reads and writes its tensors in place. Compiled once per
 * module, instantiated once per heap.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** Emscripten's exports of the wasm backend that the heap modules use. */
export interface EmscriptenModule {
  asm: { memory: WebAssembly.Memory };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/**
 * The NHWC convolution geometry the heap modules' convolution kernels take after their pointers,
 * in the C signatures' order: batch, input height and width, input and output channels, filter
 * height and width, output height and width, top and left padding.
 */
export type ConvShapeArgs = [
  n: number,
  h: number,
  w: number,
  ci: number,
  co: number,
  kh: number,
  kw: number,
  oh: number,
  ow: number,
  padTop: number,
  padLeft: number,
];

/** {@linkcode ConvShapeArgs} of the 3×3 (Winograd) kernels, which take no filter size. */
export type Conv3x3ShapeArgs = [
  n: number,
  h: number,
  w: number,
  ci: number,
  co: number,
  oh: number,
  ow: number,
  padTop: number,
  padLeft: number,
];

/** What the forward convolution kernels take after their geometry: bias and ReLU flags (0 or 1). */
export type ConvEpilogueArgs = [hasBias: number, relu: number];

/** A module compiled from base64 bytes, instantiable on any backend heap. */
export interface HeapModule<T> {
  /** The module's exports on `backend`'s heap and the backend's Emscripten module, or `null`. */
  on(backend: BackendWasm): { exports: T; wasm: EmscriptenModule } | null;
}

/**
 * A lazily compiled heap module; `on()` answers `null` when this runtime cannot compile or
 * instantiate it (e.g. no wasm SIMD) or the backend's memory is not reachable.
 *
 * @param base64 the module's bytes, base64 (as written by scripts/build_wasm_kernels.ts).
 */
export function heapModule<T>(base64: string): HeapModule<T> {
  let compiled: WebAssembly.Module | null | undefined;
  const instances = new WeakMap<WebAssembly.Memory, T>();
  const instanceFor = (memory: WebAssembly.Memory): T | null => {
    if (compiled === undefined) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    }
    if (compiled === null) return null;
    let exports = instances.get(memory);
    if (exports === undefined) {
      try {
        exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as T;
      } catch {
        compiled = null;
        return null;
      }
      instances.set(memory, exports);
    }
    return exports;
  };
  return {
    on(backend) {
      const wasm = backend.wasm as unknown as EmscriptenModule;
      const memory = wasm?.asm?.memory;
      if (!(memory instanceof WebAssembly.Memory)) return null;
      const exports = instanceFor(memory);
      return exports === null ? null : { exports, wasm };
    },
  };
}

/** Byte offset of `info`'s buffer on the wasm heap (what a heap module's pointers are). */
export function heapOffset(backend: BackendWasm, info: tf.TensorInfo): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}

/** A heap module built twice: with relaxed SIMD (fused multiply-adds) and with plain SIMD128. */
export interface SimdHeapModule<T> {
  /**
   * The relaxed-SIMD build on `backend`'s heap where the runtime compiles it (and `relaxedSimd`
   * asks for it), otherwise the plain SIMD128 build, or `null` when neither is available.
   */
  on(backend: BackendWasm, relaxedSimd: boolean): { exports: T; wasm: EmscriptenModule } | null;
}

/**
 * A lazily compiled pair of builds of one heap module, the plain one as the fallback.
 *
 * @param relaxedBase64 the relaxed-SIMD build's bytes, base64.
 * @param plainBase64 the plain SIMD128 build's bytes, base64.
 */
export function simdHeapModule<T>(relaxedBase64: string, plainBase64: string): SimdHeapModule<T> {
  const relaxed = heapModule<T>(relaxedBase64);
  const plain = heapModule<T>(plainBase64);
  return {
    on: (backend, relaxedSimd) => (relaxedSimd ? relaxed.on(backend) : null) ?? plain.on(backend),
  };
}

/**
 * Run `use` with a 16-byte-aligned scratch of `floats` float32 values on the heap, freed after
 * (also when `use` throws); `null`, without calling `use`, when the scratch cannot be allocated.
 */
export function withScratch<R>(
  wasm: EmscriptenModule,
  floats: number,
  use: (scratch: number) => R,
): R | null {
  const scratch = wasm._malloc(floats * 4 + 16);
  if (scratch === 0) return null;
  try {
    return use((scratch + 15) & ~15);
  } finally {
    wasm._free(scratch);
  }
}

/** Whether every one of `infos` is a float32 tensor of rank 4 (what the heap convolutions take). */
export function float32Rank4(...infos: tf.TensorInfo[]): boolean {
  return infos.every((info) => info.dtype === "float32" && info.shape.length === 4);
}

/** Whether `bias` is absent, or float32 with `channels` values (any shape of that size). */
export function biasFits(bias: tf.TensorInfo | null, channels: number): boolean {
  if (bias === null) return true;
  return bias.dtype === "float32" && bias.shape.reduce((a, b) => a * b, 1) === channels;
}
