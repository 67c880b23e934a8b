/**
 * Backend selection errors. initBackend caches the first *successful* choice for the whole process,
 * so the failing requests must come first: they live in this file of their own (vitest runs each
 * file in a fresh worker process), and the tests below run in order.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendError, initBackend } from '../src/index.js';

async function rejection(p: Promise<unknown>): Promise<Error> {
  let err: unknown = null;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a rejection').toBeInstanceOf(BackendError);
  return err as Error;
}

const hasNative = (() => {
  const require = createRequire(import.meta.url);
  for (const pkg of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    try {
      require.resolve(pkg);
      return true;
    } catch {
      /* not installed */
    }
  }
  return false;
})();

describe('initBackend', () => {
  it("rejects an unknown backend name with a BackendError naming it and the choices", async () => {
    const err = await rejection(initBackend('nope'));
    expect(err.message).toContain("'nope'");
    expect(err.message).toContain('wasm, cpu, tensorflow');
  });

  it('reads XAI_BACKEND when called without an argument', async () => {
    const saved = process.env.XAI_BACKEND;
    process.env.XAI_BACKEND = 'gpu-please';
    try {
      const err = await rejection(initBackend());
      expect(err.message).toContain("'gpu-please'");
      expect(err.message).toContain('XAI_BACKEND');
    } finally {
      if (saved === undefined) delete process.env.XAI_BACKEND;
      else process.env.XAI_BACKEND = saved;
    }
  });

  it.skipIf(hasNative)("'tensorflow' without @tensorflow/tfjs-node installed is a BackendError saying what to install", async () => {
    const err = await rejection(initBackend('tensorflow'));
    expect(err.message).toContain('@tensorflow/tfjs-node');
  });

  it('a failed request is not cached: a valid backend can still be chosen afterwards', async () => {
    await expect(initBackend('cpu')).resolves.toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('the first successful choice is kept for the process (later requests return it)', async () => {
    await expect(initBackend('wasm')).resolves.toBe('cpu');
    await expect(initBackend('nope')).resolves.toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
