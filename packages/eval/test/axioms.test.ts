import * as tf from '@tensorflow/tfjs';
import { initBackend, XaiModel } from '@xai/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  conservationResidual, continuity, coreExplainer, inputInvariance, localLipschitz, modelPredictor, NotApplicableError, shiftCompensatedModel,
} from '../src/index.js';
import { seedWeights, uniform } from './helpers.js';

beforeAll(async () => {
  await initBackend();
});

function reluNet(useBias: boolean, seed: number): XaiModel {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [10], units: 16, activation: 'relu', useBias }),
      tf.layers.dense({ units: 12, activation: 'relu', useBias }),
      tf.layers.dense({ units: 4, useBias }),
    ],
  });
  seedWeights(m, seed);
  return XaiModel.fromLayersModel(m);
}

async function residuals(model: XaiModel, inputs: Float32Array, count: number) {
  const logits = await modelPredictor(model)(inputs, count);
  const targets = Array.from({ length: count }, (_, i) => [...logits.subarray(4 * i, 4 * i + 4)].indexOf(Math.max(...logits.subarray(4 * i, 4 * i + 4))));
  const relevance = await coreExplainer(model, { method: 'lrp', options: { rule: 'epsilon', epsilon: 1e-9 } })(inputs, count, targets);
  const outputs = targets.map((t, i) => logits[4 * i + t]!);
  return { res: conservationResidual(relevance, outputs), outputs };
}

describe('conservation residual', () => {
  it('≈ 0 for LRP-ε on a bias-free ReLU net', async () => {
    const model = reluNet(false, 1);
    const inputs = uniform(5 * 10, 2, 0.5, 1.5);
    const { res, outputs } = await residuals(model, inputs, 5);
    res.forEach((r, i) => expect(Math.abs(r)).toBeLessThan(1e-4 * Math.max(1, Math.abs(outputs[i]!))));
    model.dispose();
  });

  it('clearly non-zero once the biases absorb relevance (the metric can fail)', async () => {
    const model = reluNet(true, 1);
    const { res } = await residuals(model, uniform(5 * 10, 2, 0.5, 1.5), 5);
    expect(Math.max(...res.map(Math.abs))).toBeGreaterThan(1e-2);
    model.dispose();
  });

  it('signed, per sample, with an optional reference output', () => {
    expect(conservationResidual([1, 2, 3, 4], [2, 8])).toEqual([1, -1]);
    expect(conservationResidual([1, 2, 3, 4], [2, 8], [1, 0])).toEqual([2, -1]);
  });
});

describe('input invariance (Kindermans et al.)', () => {
  let model: XaiModel;
  const shape = [6, 6, 2];
  const inputs = uniform(3 * 72, 7, 0, 1);
  const targets = [0, 1, 2];
  beforeAll(() => {
    const m = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: shape, filters: 4, kernelSize: 3, padding: 'valid', activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    seedWeights(m, 3);
    model = XaiModel.fromLayersModel(m);
  });
  const explainWith = (method: string) => (m: XaiModel) => coreExplainer(m, { method });

  it('the shifted model computes the same function of the shifted input', async () => {
    const shifted = await shiftCompensatedModel(model, [-1, 0.5], shape);
    const f1 = await modelPredictor(model)(inputs, 3);
    const f2 = await modelPredictor(shifted)(inputs.map((v, i) => v + (i % 2 === 0 ? -1 : 0.5)), 3);
    f1.forEach((v, i) => expect(f2[i]).toBeCloseTo(v, 4));
    shifted.dispose();
  });

  it('the gradient is invariant; gradient × input is not', async () => {
    const g = await inputInvariance(model, explainWith('gradient'), { inputs, shape, targets });
    expect(g.outputDifference).toBeLessThan(1e-4);
    g.scores.forEach((s) => expect(s).toBeLessThan(1e-4));
    const gxi = await inputInvariance(model, explainWith('gradient_x_input'), { inputs, shape, targets });
    gxi.scores.forEach((s) => expect(s).toBeGreaterThan(0.1));
  });

  it("a first convolution with 'same' padding cannot absorb the shift: NotApplicableError", async () => {
    const m = XaiModel.fromLayersModel(tf.sequential({ layers: [tf.layers.conv2d({ inputShape: shape, filters: 2, kernelSize: 3, padding: 'same' }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }));
    await expect(inputInvariance(m, explainWith('gradient'), { inputs, shape, targets: [0, 1, 0] })).rejects.toThrow(NotApplicableError);
    m.dispose();
  });
});

describe('continuity and local Lipschitz estimate', () => {
  // Linear model with every weight of class 0 equal to 2: gradient = 2 everywhere, gradient × input = 2x.
  let linear: XaiModel;
  beforeAll(() => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 2, kernelInitializer: 'ones', useBias: false })] });
    m.layers[0]!.setWeights([tf.tensor2d(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 2 : -1)), [6, 2])]);
    linear = XaiModel.fromLayersModel(m);
  });
  const inputs = uniform(2 * 6, 11, 0, 1);
  const targets = [0, 0];

  it('a constant explanation (the gradient of a linear model) scores 0', async () => {
    const explain = coreExplainer(linear, { method: 'gradient' });
    const data = { inputs, relevance: await explain(inputs, 2, targets), targets };
    expect(await localLipschitz(explain, data)).toEqual([0, 0]);
    expect(await continuity(explain, data)).toEqual([0, 0]);
  });

  it('R = 2x: Lipschitz exactly 2; continuity (ℓ1/ℓ2) between 2 and 2√n; seeded', async () => {
    const explain = coreExplainer(linear, { method: 'gradient_x_input' });
    const data = { inputs, relevance: await explain(inputs, 2, targets), targets };
    (await localLipschitz(explain, data, { noise: 'gaussian', radius: 0.1 })).forEach((v) => expect(v).toBeCloseTo(2, 4));
    const c = await continuity(explain, data, { seed: 4 });
    c.forEach((v) => {
      expect(v).toBeGreaterThan(2);
      expect(v).toBeLessThanOrEqual(2 * Math.sqrt(6) + 1e-6);
    });
    expect(await continuity(explain, data, { seed: 4 })).toEqual(c);
  });
});
