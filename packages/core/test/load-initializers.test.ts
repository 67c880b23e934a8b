/**
 * Loading never runs the layers' initializers for real: the weights come from the files. tfjs'
 * Orthogonal initializer would otherwise warn on larger recurrent kernels at every start.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend, loadModel } from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A model with a 64 × 64 orthogonal kernel (tfjs warns above 2000 elements; LSTMs have such recurrent kernels), as files. */
async function orthogonalModelFiles(): Promise<{ modelJson: Record<string, unknown>; shards: Record<string, Uint8Array>; predict: (x: tf.Tensor) => Float32Array }> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [64], units: 64, activation: 'relu', kernelInitializer: tf.initializers.orthogonal({ seed: 3 }) }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 4 }) }),
    ],
  });
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const artifacts = saved! as tf.io.ModelArtifacts;
  const predict = (x: tf.Tensor) => tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
  return {
    modelJson: { modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] },
    shards: { 'weights.bin': new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)) },
    predict,
  };
}

describe('loading a model', () => {
  it('runs no initializer (no Orthogonal warning) and still computes what the saved model computes', async () => {
    const files = await orthogonalModelFiles();
    const warn = vi.spyOn(console, 'warn');
    const model = await loadModel({ modelJson: files.modelJson, shards: files.shards, label: 'orthogonal.json' });
    const x = tf.tensor2d(Array.from({ length: 2 * 64 }, (_, i) => Math.sin(i)), [2, 64]);
    try {
      expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => /Orthogonal/.test(m))).toEqual([]);
      const got = tf.tidy(() => (model.layersModel.predict(x) as tf.Tensor).dataSync() as Float32Array);
      const want = files.predict(x);
      expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-6);
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});
