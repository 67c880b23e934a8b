import { CancelledError, initBackend, loadModel, loadPlugins, XaiError, type XaiModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import * as tf from '@tensorflow/tfjs';
import type { Outcome, TaskError } from './task-types.js';
import { fileVersion, LruCache } from './worker-cache.js';

let ready: Promise<unknown> | null = null;

/**
 * Once per worker thread: the LSTM plugin's layers and the tfjs backend (WebAssembly unless
 * XAI_BACKEND says otherwise; one thread per worker, so parallelism comes from the pool).
 */
export function initWorker(): Promise<unknown> {
  ready ??= (async () => {
    registerLstmPlugin();
    await loadPlugins(); // XAI_PLUGINS: the same rules and composites as the main thread
    await initBackend(process.env.XAI_BACKEND || 'wasm');
  })();
  return ready;
}

const models = new LruCache<XaiModel>({ entries: 2, onEvict: (m) => m.dispose() });

/**
 * A loaded model, kept for the next task of this worker (the last two used; keyed by the file's
 * path, modification time and size). Tasks run one at a time per worker, so evicting between tasks
 * never pulls a model from under a running one.
 * `workers: false`: the pool is the parallelism; core's own helper threads would compete with it.
 */
export function cachedModel(id: string, path: string): Promise<XaiModel> {
  return models.get(`${id}\n${fileVersion(path)}`, () => loadModel(path, { workers: false }));
}

/**
 * Failures that leave the WebAssembly backend unusable: emscripten's `Aborted(…)` (OOM, failed
 * allocation), out-of-bounds accesses, memory that could not grow.
 */
const WASM_FAILURE = /Aborted\(|memory access out of bounds|Cannot enlarge memory|WebAssembly\.Memory|Out of memory|Array buffer allocation failed/i;

export function isWasmFailure(e: Error): boolean {
  return e instanceof WebAssembly.RuntimeError || WASM_FAILURE.test(e.message) || WASM_FAILURE.test(String(e.stack ?? ''));
}

/** After a task: can the backend still compute 1 + 1? (A corrupted WebAssembly heap usually cannot.) */
export async function backendHealthy(): Promise<boolean> {
  if (!ready) return true;
  try {
    await ready;
    const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync()[0]);
    return sum === 2;
  } catch {
    return false;
  }
}

/** Turns a task's failure into the `{ error, message }` the HTTP layer reports. */
export function taskError(err: unknown, userFault: boolean): TaskError {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof CancelledError || e.name === 'AbortError') return { error: 'Cancelled', message: e.message || 'cancelled', status: 409 };
  if ((e as { code?: string }).code === 'ENOSPC' || (e as { code?: string }).code === 'EDQUOT') {
    return { error: 'StorageFull', message: `the server's disk is full: ${e.message}`, status: 507 };
  }
  if (isWasmFailure(e)) {
    return {
      error: 'WorkerMemoryError',
      message: `the worker ran out of WebAssembly memory or its memory was corrupted (${e.message || e.name}); it was replaced. Use a smaller batchSize, fewer steps or samples, or a smaller input`,
      status: 413,
      retire: true,
    };
  }
  if (e instanceof XaiError) return { error: e.name, message: e.message, status: e.name === 'UnzipLimitError' || e.name === 'DatasetLimitError' ? 413 : 422 };
  // Parsers that meet corrupt bytes may throw plain errors (RangeError …): for an upload that is
  // still the file's fault; anywhere else it is ours.
  if (userFault) return { error: 'InvalidFile', message: e.message || e.name, status: 422 };
  return { error: 'InternalError', message: `${e.name}: ${e.message}`, status: 500 };
}

export async function outcome<T>(work: () => Promise<T>, userFault: boolean): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: taskError(err, userFault) };
  }
}
