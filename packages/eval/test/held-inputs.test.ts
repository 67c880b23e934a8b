/** runBenchmark on a two-input model: the explained input with the other held per sample. */
import * as tf from '@tensorflow/tfjs';
import { explain, initBackend, InvalidArgumentError, XaiModel } from '@xai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelPredictor, runBenchmark, type HeldInputs } from '../src/index.js';
import { seedWeights, uniform } from './helpers.js';

let model: XaiModel;
const count = 5;
const image = uniform(count * 4 * 4 * 2, 1, 0, 1);
const side = uniform(count * 3, 2);
const held: HeldInputs = { explained: 0, others: [{ input: 1, values: side, shape: [3], dtype: 'float32' }] };
// Ground truth: the left half of every image.
const masks = Uint8Array.from({ length: count * 16 }, (_, p) => ((p % 4) < 2 ? 1 : 0));

beforeAll(async () => {
  await initBackend();
  const a = tf.input({ shape: [4, 4, 2], name: 'image' });
  const b = tf.input({ shape: [3], name: 'side' });
  const flat = tf.layers.flatten().apply(a) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([flat, b]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 6, activation: 'relu' }).apply(joined) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3 }).apply(hidden) as tf.SymbolicTensor;
  const layers = tf.model({ inputs: [a, b], outputs: out });
  seedWeights(layers, 3);
  model = XaiModel.fromLayersModel(layers, { workers: false });
});
afterAll(() => model.dispose());

describe('runBenchmark with held inputs', () => {
  it('explains the image of each sample with its own side input held, as a direct explain call does', async () => {
    const labels = [0, 1, 2, 0, 1];
    const result = await runBenchmark({
      model, samples: { inputs: image, shape: [4, 4, 2], labels, masks, heldInputs: held },
      methods: ['gradient'], metrics: ['relevance_mass_accuracy'], explainBatchSize: 2,
    });
    const scores = result.scores[0]!.values;
    for (let i = 0; i < count; i++) {
      const x = [tf.tensor(image.subarray(i * 32, (i + 1) * 32), [4, 4, 2]), tf.tensor(side.subarray(i * 3, (i + 1) * 3), [3])];
      const r = await explain(model, x, { method: 'gradient', target: labels[i]! });
      const g = r.relevances[0]!.dataSync();
      r.dispose();
      x.forEach((t) => t.dispose());
      let inside = 0;
      let total = 0;
      for (let p = 0; p < 16; p++) {
        const pooled = Math.max(0, g[2 * p]! + g[2 * p + 1]!);
        total += pooled;
        if (p % 4 < 2) inside += pooled;
      }
      expect(scores[i]).toBeCloseTo(total > 0 ? inside / total : NaN, 5);
    }
  });

  it('target "predicted" reads the model with the held inputs of each sample', async () => {
    const result = await runBenchmark({
      model, samples: { inputs: image, shape: [4, 4, 2], labels: [0, 0, 0, 0, 0], masks, heldInputs: held },
      methods: ['gradient'], metrics: ['relevance_rank_accuracy'], target: 'predicted',
    });
    const logits = modelPredictor(model, { heldInputs: held })(image, count, 0) as Float32Array;
    const expected = Array.from({ length: count }, (_, i) => [0, 1, 2].reduce((best, c) => (logits[i * 3 + c]! > logits[i * 3 + best]! ? c : best), 0));
    expect(result.targets).toEqual(expected);
  });

  it('metrics that evaluate new inputs record an error instead of mixing samples', async () => {
    const result = await runBenchmark({
      model, samples: { inputs: image, shape: [4, 4, 2], labels: [0, 1, 2, 0, 1], heldInputs: held },
      methods: ['gradient'], metrics: [{ name: 'pixel_flipping', options: { regionSize: 2, steps: 2 } }],
    });
    expect(result.table[0]!.error).toMatch(/held per benchmark sample/);
  });

  it('refuses held inputs that do not cover the model inputs or the samples', async () => {
    const run = (heldInputs: HeldInputs) => runBenchmark({ model, samples: { inputs: image, shape: [4, 4, 2], labels: [0, 1, 2, 0, 1], heldInputs }, methods: ['gradient'], metrics: ['sparseness'] });
    await expect(run({ explained: 0, others: [] })).rejects.toThrow(InvalidArgumentError);
    await expect(run({ explained: 0, others: [{ input: 1, values: side.subarray(3), shape: [3], dtype: 'float32' }] })).rejects.toThrow(/expected 5 samples/);
  });
});
