import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epsilon, initBackend, mulberry32, XaiModel } from '@xai/core';
import { clusterFeatures, explainFeatureClusters, neon } from '../src/index.js';

/** A small MLP without biases: 8 inputs → 'hidden' (6, ReLU) → 3 outputs; seeded weights. */
function mlp(): XaiModel {
  const rand = mulberry32(4);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [8], units: 6, activation: 'relu', useBias: false, name: 'hidden' }),
      tf.layers.dense({ units: 3, useBias: false, name: 'out' }),
    ],
  });
  model.layers.forEach((layer) => {
    const [w] = layer.getWeights();
    const values = tf.tensor(Float32Array.from({ length: w!.size }, () => rand() * 2 - 0.6), w!.shape);
    layer.setWeights([values]);
    values.dispose();
  });
  return XaiModel.fromLayersModel(model, {}, 'mlp');
}

describe('NEON on a model\'s features', () => {
  let model: XaiModel;
  let inputs: tf.Tensor;
  beforeAll(async () => {
    await initBackend();
    model = mlp();
    const rand = mulberry32(9);
    // Two groups of inputs: the first four features high, or the last four.
    inputs = tf.tensor2d(Float32Array.from({ length: 40 * 8 }, (_, i) => ((Math.floor(i / 8) % 2 === 0) === (i % 8 < 4) ? 1 : 0) + rand() * 0.2), [40, 8]);
  });
  afterAll(() => {
    inputs.dispose();
    model.dispose();
  });

  it('clusters the layer\'s activations (seeded) and explains each assignment down to the input, releasing its tensors', () => {
    const clustering = clusterFeatures(model, inputs, { layer: 'hidden', k: 2, seed: 1, batchSize: 16 });
    expect(clustering.shape).toEqual([6]);
    // The two input groups are the two clusters.
    const a = clustering.kmeans.assignments;
    for (let i = 0; i < 40; i++) expect(a[i]).toBe(a[i % 2]);
    expect(a[0]).not.toBe(a[1]);
    const again = clusterFeatures(model, inputs, { layer: 'hidden', k: 2, seed: 1 });
    expect(Array.from(again.kmeans.assignments)).toEqual(Array.from(a));

    const e = explainFeatureClusters(model, inputs, clustering, { rule: epsilon(1e-9), batchSize: 16 });
    expect(e.relevance.shape).toEqual([40, 8]);
    expect(e.featureRelevance.shape).toEqual([40, 6]);
    expect(e.clusters).toEqual(Array.from(a));
    const input = e.relevance.arraySync() as number[][];
    const feature = e.featureRelevance.arraySync() as number[][];
    for (let i = 0; i < 40; i++) {
      const f = e.logits[i]!;
      expect(f).toBeGreaterThan(0);
      // NEON conserves f_c at the layer (float32 storage: 1e-5 relative).
      expect(Math.abs(feature[i]!.reduce((s, v) => s + v, 0) - f)).toBeLessThan(1e-5 * Math.max(1, f));
      // LRP-ε through a bias-free linear layer and its ReLU conserves it to the input (float32: 1e-4 relative).
      expect(Math.abs(input[i]!.reduce((s, v) => s + v, 0) - f)).toBeLessThan(1e-4 * Math.max(1, f));
    }
    // The feature relevance is NEON's on the same activation.
    const hidden = tf.tidy(() => tf.relu(tf.matMul(inputs, model.layersModel.layers[0]!.getWeights()[0]!)).arraySync() as number[][]);
    const direct = neon(clustering.network, hidden[3]!, { beta: clustering.beta });
    direct.relevance.forEach((v, j) => expect(feature[3]![j]).toBeCloseTo(v, 4));
    e.dispose();
    // A second explanation leaves no tensor behind (the first may leave the engine's per-node cache).
    const cached = tf.memory().numTensors;
    explainFeatureClusters(model, inputs, clustering, { rule: epsilon(1e-9) }).dispose();
    expect(tf.memory().numTensors).toBe(cached);
  });

  it('names the layers when asked for one the model lacks', () => {
    expect(() => clusterFeatures(model, inputs, { layer: 'conv9', k: 2 })).toThrow(/no layer or node named 'conv9'; layers are hidden, out/);
  });
});
