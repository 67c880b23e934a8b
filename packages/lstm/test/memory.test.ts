/** Explanations do not leak tensors, however often they run; disposing the model frees the plugin's own tensors. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compositeByName, gradient, initBackend, integratedGradients, lrp } from '@xai/core';
import { recurrentComposite, relevanceAtEmbedding } from '../src/index.js';
import { explainable, seededInput, seededTokens, seedWeights } from './helpers.js';

describe('tensor memory', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('repeated LRP and gradient explanations of a masked bidirectional text model keep tf.memory().numTensors constant', () => {
    const before = tf.memory().numTensors;
    const model = tf.sequential();
    model.add(tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6, maskZero: true }));
    model.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, returnSequences: true }) as never, mergeMode: 'sum' }));
    model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'relu' }) }));
    model.add(tf.layers.gru({ units: 3 }));
    model.add(tf.layers.dense({ units: 2 }));
    seedWeights(model, 81);
    const xm = explainable(model);
    const ids = seededTokens(2, 6, 12, 82, [0, 2]);
    const round = () => {
      lrp(xm, ids, { target: 1, composite: recurrentComposite(compositeByName('epsilon_plus'), { biasFactor: 1, onInitialState: () => undefined }) }).dispose();
      const e = lrp(xm, ids, { target: 0, keepNodeRelevance: true });
      expect(relevanceAtEmbedding(xm.graph, e.nodeRelevance).shape).toEqual([2, 6, 4]);
      e.dispose();
      gradient(xm, ids, { target: 1 }).dispose();
    };
    round();
    const settled = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) round();
    expect(tf.memory().numTensors).toBe(settled);
    ids.dispose();
    xm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('integrated gradients through an LSTM keep numTensors constant', async () => {
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 3, inputShape: [5, 2], returnSequences: true, goBackwards: true }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 2 }));
    seedWeights(model, 83);
    const xm = explainable(model);
    const x = seededInput([1, 5, 2], 84);
    (await integratedGradients(xm, x, { target: 0, steps: 4 })).dispose();
    const settled = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (await integratedGradients(xm, x, { target: 1, steps: 4 })).dispose();
    expect(tf.memory().numTensors).toBe(settled);
    x.dispose();
    xm.dispose();
  });
});
