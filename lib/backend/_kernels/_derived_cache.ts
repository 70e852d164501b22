/**
 * Buffers derived from another tensor's buffer on the wasm heap (a transposed weight matrix, a
 * flipped filter), kept for as long as that buffer lives, so a kernel that needs a persistent
 * weight in another layout builds it once instead of on every call. XNNPACK caches its packed
 * weights by buffer id, so a derived buffer that persists also keeps that packing warm.
 *
 * A derived buffer is freed together with its source: the backend's `disposeData` is wrapped once
 * per backend instance to drop a source's derived buffers when the source's memory is released.
 * Weights change by getting a new buffer (variables assign a new data id), so a cached derivation
 * never goes stale.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type DataId = object;

/** Derived buffers by source data id, then by derivation key. */
const derivedBySource = new WeakMap<BackendWasm, Map<DataId, Map<string, tf.TensorInfo>>>();

function cacheOf(backend: BackendWasm): Map<DataId, Map<string, tf.TensorInfo>> {
  let cache = derivedBySource.get(backend);
  if (cache !== undefined) return cache;
  const bySource = new Map<DataId, Map<string, tf.TensorInfo>>();
  const dispose = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
    const released = dispose(dataId, force);
    const derived = bySource.get(dataId);
    if (derived !== undefined && !backend.dataIdMap.has(dataId)) {
      bySource.delete(dataId);
      for (const info of derived.values()) dispose(info.dataId, true);
    }
    return released;
  };
  cache = bySource;
  derivedBySource.set(backend, cache);
  return cache;
}

/**
 * The buffer derived from `source` under `key`, made by `make` on first use and reused until
 * `source`'s buffer is released. The caller must not dispose the returned buffer.
 *
 * @param backend the wasm backend holding `source`.
 * @param source the tensor the derivation reads (e.g. a dense layer's kernel).
 * @param key what was derived, including every parameter of the derivation (shape, layout),
 *   e.g. `"transpose 12544x10"`.
 * @param make builds the derived buffer (a new buffer owned by the cache from then on).
 */
export function derivedBuffer(
  backend: BackendWasm,
  source: tf.TensorInfo,
  key: string,
  make: () => tf.TensorInfo,
): tf.TensorInfo {
  const cache = cacheOf(backend);
  let derived = cache.get(source.dataId);
  if (derived === undefined) {
    derived = new Map();
    cache.set(source.dataId, derived);
  }
  let info = derived.get(key);
  if (info === undefined) {
    info = make();
    derived.set(key, info);
  }
  return info;
}
