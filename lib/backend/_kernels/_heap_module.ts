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
