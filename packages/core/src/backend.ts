import * as tf from '@tensorflow/tfjs';
import { BackendError } from './errors.js';

export type BackendName = 'wasm' | 'cpu' | 'tensorflow';
const BACKENDS: readonly BackendName[] = ['wasm', 'cpu', 'tensorflow'];

let initialised: Promise<BackendName> | null = null;

/** The native backend ships in @tensorflow/tfjs-node(-gpu); both are optional and detected at run time. */
async function registerNative(): Promise<string | null> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      return pkg;
    } catch {
      /* not installed: try the next one */
    }
  }
  return null;
}

async function activate(name: BackendName): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (name === 'tensorflow' && !(await registerNative())) {
    throw new BackendError(
      "backend 'tensorflow' needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, and neither is installed",
    );
  }
  if (!(await tf.setBackend(name))) throw new BackendError(`backend '${name}' failed to initialise`);
  await tf.ready();
}

/**
 * Chooses the tfjs backend once per process: `XAI_BACKEND` (or the argument) forces one;
 * otherwise the native backend when installed, else WebAssembly, else the pure-JS CPU backend.
 */
export function initBackend(requested: string | undefined = process.env.XAI_BACKEND): Promise<BackendName> {
  initialised ??= (async () => {
    if (requested) {
      if (!BACKENDS.includes(requested as BackendName)) {
        throw new BackendError(`unknown backend '${requested}' (XAI_BACKEND); choose one of ${BACKENDS.join(', ')}`);
      }
      await activate(requested as BackendName);
      return requested as BackendName;
    }
    if (await registerNative()) {
      await activate('tensorflow');
      return 'tensorflow';
    }
    try {
      await activate('wasm');
      return 'wasm';
    } catch (err) {
      process.emitWarning(`WebAssembly backend unavailable (${(err as Error).message}); using the CPU backend`);
      await activate('cpu');
      return 'cpu';
    }
  })();
  initialised.catch(() => (initialised = null));
  return initialised;
}
