import * as tf from '@tensorflow/tfjs';
import { DEMO_MODEL, generateShapes, initBackend, loadModel, XaiModel } from '@xai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  coreExplainer, editedModel, explanationSimilarity, modelParameterRandomisation, randomisableLayers, randomLogit, reinitialiseLayer,
} from '../src/index.js';
import { mean } from './helpers.js';

let model: XaiModel;
const count = 4;
const data = generateShapes(count, 21);
const shape = [32, 32, 3];
const targets = Array.from(data.labels);
const samples = { inputs: data.images, shape, targets };
const lrp = { method: 'lrp', options: { composite: 'epsilon_plus' } } as const;

beforeAll(async () => {
  await initBackend();
  model = await loadModel(DEMO_MODEL, { workers: false });
});
afterAll(() => model.dispose());

describe('model parameter randomisation (Adebayo et al.)', () => {
  it('an unmodified copy explains identically (similarity 1): the control', async () => {
    const copy = await editedModel(model, () => {});
    const a = await coreExplainer(model, lrp)(data.images, count, targets);
    const b = await coreExplainer(copy, lrp)(data.images, count, targets);
    for (let i = 0; i < count; i++) {
      const s = (v: Float32Array) => v.subarray(i * 3072, (i + 1) * 3072);
      expect(explanationSimilarity(s(a), s(b), shape)).toBeCloseTo(1, 6);
      expect(explanationSimilarity(s(a), s(b), shape, { similarity: 'ssim' })).toBeCloseTo(1, 6);
    }
    copy.dispose();
  });

  it('cascading randomisation from the top lowers the similarity, layer by layer, for the gradient', async () => {
    const r = await modelParameterRandomisation(model, (m) => coreExplainer(m, { method: 'gradient' }), samples, { seed: 1 });
    expect(r.layers).toEqual(['logits', 'fc1', 'conv3', 'conv2', 'conv1']);
    const last = r.similarities.map((s) => s[s.length - 1]!);
    expect(mean(last)).toBeLessThan(0.5);
    expect(mean(r.scores)).toBeLessThan(0.8);
  });

  it('independent randomisation, SSIM, LRP: every step below the unrandomised 1; seeded', async () => {
    const run = () => modelParameterRandomisation(model, (m) => coreExplainer(m, lrp), samples, { mode: 'independent', similarity: 'ssim', seed: 2, maxLayers: 3 });
    const r = await run();
    const before = tf.memory().numTensors;
    const again = await run();
    expect(tf.memory().numTensors).toBe(before); // randomised copies are disposed
    expect(r.layers).toEqual(['logits', 'fc1', 'conv3']);
    for (const row of r.similarities) row.forEach((s) => expect(s).toBeLessThan(0.99));
    expect(again.similarities).toEqual(r.similarities);
  });

  it('re-initialisation is Glorot-uniform, seeded per layer, biases zero', async () => {
    const clone = await editedModel(model, (m) => reinitialiseLayer(m.getLayer('fc1'), 9));
    const again = await editedModel(model, (m) => reinitialiseLayer(m.getLayer('fc1'), 9));
    const [k1, b1] = clone.layersModel.getLayer('fc1').getWeights();
    const [k2] = again.layersModel.getLayer('fc1').getWeights();
    expect(Array.from(k1!.dataSync())).toEqual(Array.from(k2!.dataSync()));
    const limit = Math.sqrt(6 / (k1!.shape[0]! + k1!.shape[1]!));
    expect(Math.max(...Array.from(k1!.dataSync()).map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Array.from(b1!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(randomisableLayers(model.layersModel)).toContain('fc1');
    clone.dispose();
    again.dispose();
  });
});

describe('random logit test (Sixt et al.)', () => {
  it('a class-independent explanation scores 1; the demo model’s LRP scores lower', async () => {
    // Two classes with identical weights: the explanation cannot depend on the class.
    const twin = XaiModel.fromLayersModel(tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 2, kernelInitializer: 'ones' })] }));
    const inputs = Float32Array.from({ length: 32 }, (_, i) => (i * 7) % 5);
    const same = await randomLogit(coreExplainer(twin, { method: 'gradient_x_input' }), { inputs, shape: [4, 4, 1], targets: [0, 1] }, 2);
    same.scores.forEach((s) => expect(s).toBeCloseTo(1, 6));
    expect(same.classes).toEqual([1, 0]);
    twin.dispose();
    const demo = await randomLogit(coreExplainer(model, lrp), samples, 4, { seed: 3 });
    demo.classes.forEach((c, i) => expect(c).not.toBe(targets[i]));
    expect(mean(demo.scores)).toBeLessThan(0.95);
  });
});
