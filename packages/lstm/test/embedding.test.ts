/** Embedding: token relevance = Σ over the embedding axis; integer token ids through every method. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradient, gradientXInput, initBackend, integratedGradients, lrp, type XaiModel } from '@xai/core';
import { relevanceAtEmbedding } from '../src/index.js';
import { explainable, expectClose, seededTokens, seedWeights } from './helpers.js';

describe('Embedding', () => {
  let xm: XaiModel;
  let ids: tf.Tensor2D;
  beforeAll(async () => {
    await initBackend();
    const m = tf.sequential();
    m.add(tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6 }));
    m.add(tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }));
    m.add(tf.layers.dense({ units: 2 }));
    seedWeights(m, 91);
    xm = explainable(m);
    ids = seededTokens(2, 6, 12, 92);
  });

  it('relevance per token is the sum over the embedding axis of the relevance at the embedding output', () => {
    const e = lrp(xm, ids, { target: 1, keepNodeRelevance: true });
    const atEmbedding = relevanceAtEmbedding(xm.graph, e.nodeRelevance);
    expect(atEmbedding.shape).toEqual([2, 6, 4]);
    expect(e.relevance.shape).toEqual([2, 6]);
    expectClose(e.relevance, tf.sum(atEmbedding, -1), 1e-6, 0, 'token sums');
    expect(Array.from(e.relevance.dataSync()).some((v) => v !== 0)).toBe(true);
    e.dispose();
  });

  it('int32 and float32 token ids give the same float32 relevance', () => {
    const asFloat = lrp(xm, ids, { target: 0 });
    const asInt = lrp(xm, ids.toInt(), { target: 0 });
    expect(asInt.relevance.dtype).toBe('float32');
    expectClose(asInt.relevance, asFloat.relevance, 0, 0, 'int32 vs float32');
    asFloat.dispose();
    asInt.dispose();
  });

  it('gradient methods give float32 zeros for token ids (not differentiable) and the gradient at the embedding output as node relevance', async () => {
    const intIds = ids.toInt();
    for (const e of [gradient(xm, intIds, { target: 1, keepNodeRelevance: true }), gradientXInput(xm, intIds, { target: 1 }), await integratedGradients(xm, intIds, { target: 1, steps: 3 })]) {
      expect(e.relevance.dtype).toBe('float32');
      expect(e.relevance.shape).toEqual([2, 6]);
      expect(Array.from(e.relevance.dataSync()).every((v) => v === 0)).toBe(true);
      if (e.nodeRelevance) expect(relevanceAtEmbedding(xm.graph, e.nodeRelevance).shape).toEqual([2, 6, 4]);
      e.dispose();
    }
    intIds.dispose();
  });

  it('relevanceAtEmbedding names what is missing', () => {
    const e = lrp(xm, ids, { target: 0 });
    expect(() => relevanceAtEmbedding(xm.graph, e.nodeRelevance)).toThrow(/keepNodeRelevance: true/);
    e.dispose();
  });
});
