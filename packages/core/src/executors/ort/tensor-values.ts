/** A float32 tensor's values for writing out or feeding to ORT, without tfjs's read-out copy where the backend allows. */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendInternals {
  readonly wasm?: { readonly HEAPU8?: Uint8Array };
  readonly dataIdMap?: { get(dataId: object): { readonly memoryOffset?: number } | undefined };
}

interface CpuBackendInternals {
  readonly data?: { get(dataId: object): { readonly values?: unknown } | undefined };
}

/** The backend holding a tensor's data (not always the current one: tfjs moves data lazily). */
function holder(t: tf.Tensor): { readonly backend: unknown; readonly name: string | undefined } {
  const info = (tf.engine() as unknown as { state?: { tensorInfo?: { get(id: object): { backend?: unknown } | undefined } } }).state?.tensorInfo?.get(t.dataId);
  const backend = info?.backend ?? tf.backend();
  const name = tf.engine().backendNames().find((n) => tf.engine().registry[n] === backend);
  return { backend, name };
}

/**
 * A view of a float32 tensor's own memory, no copy: the wasm backend's heap (a fresh view each call
 * — a growing heap detaches earlier ones) or the CPU backend's array. Null on other backends (the
 * native one keeps its data out of reach), and for tensors of other dtypes or disposed ones.
 */
export function ownMemoryView(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || t.isDisposed) return null;
  const { backend, name } = holder(t);
  if (name === 'wasm') {
    const wasm = backend as WasmBackendInternals;
    const heap = wasm.wasm?.HEAPU8;
    const offset = wasm.dataIdMap?.get(t.dataId)?.memoryOffset;
    if (heap && typeof offset === 'number' && offset > 0 && offset % 4 === 0 && offset + 4 * t.size <= heap.byteLength) {
      return new Float32Array(heap.buffer, heap.byteOffset + offset, t.size);
    }
  }
  if (name === 'cpu') {
    const values = (backend as CpuBackendInternals).data?.get(t.dataId)?.values;
    if (values instanceof Float32Array && values.length === t.size) return values;
  }
  return null;
}

/**
 * The tensor's values: its own memory where the backend allows (use it at once — a growing wasm
 * heap detaches the view), else `dataSync`. Saving VGG-16's 411 MB dense kernel took 3 s through
 * dataSync's copy on a busy machine.
 */
export function floatValues(t: tf.Tensor): Float32Array {
  return ownMemoryView(t) ?? (t.dataSync() as Float32Array);
}
