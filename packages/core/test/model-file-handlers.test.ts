/** Saving a tfjs model to model.json + weights.bin and loading it back, as the training scripts do. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, modelLoadHandler, modelSaveHandler } from '../src/index.js';

describe('model file handlers', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('round-trips weights and topology; fixTopology edits what is written', async () => {
    await initBackend();
    const dir = join(await mkdtemp(join(tmpdir(), 'xai-save-')), 'model');
    dirs.push(dir);
    const model = tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }), name: 'hidden' }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ] });
    await model.save(modelSaveHandler(dir, { fixTopology: (t) => ((t as { config: { name: string } }).config.name = 'renamed') }));
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const x = tf.tensor([[0.5, -1, 2], [1, 0, -0.3]]);
    const loaded = await tf.loadLayersModel(modelLoadHandler(dir));
    expect(loaded.name).toBe('renamed');
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const xai = await loadModel(dir);
    expect(xai.inputShapes[0]).toEqual([null, 3]);
    tf.dispose([x, a, b]);
    xai.dispose();
    loaded.dispose();
    model.dispose();
  });
});
