/**
 * LSTM layers on core's 'ort' executor (time steps unrolled into the compiled graph) against the
 * tfjs executor: same token relevance and logits for masked sequences, goBackwards, returned
 * sequences, Bidirectional with every merge mode, and the recurrent rule's ε and biasFactor 1;
 * GRU layers and per-layer rule options fall back to tfjs with a notice naming them. Batches of 2
 * with different padding, one run each.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { epsilon, initBackend, lrp, lrpOn, type LrpOptions, type XaiModel } from '@xai/core';
import { recurrentComposite } from '../src/index.js';
import { expectCloseTensors, expectSameOnBothExecutors } from '../../core/test/executor-comparison.js';
import { explainable, seedWeights, seededTokens } from './helpers.js';

const VOCAB = 12;
const STEPS = 6;

/** Embedding(maskZero) → `recurrent` layers → Dense(3), seeded weights. */
function textModel(layers: (x: tf.SymbolicTensor) => tf.SymbolicTensor, seed: number): XaiModel {
  const input = tf.input({ shape: [STEPS] });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true }).apply(input) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3 }).apply(layers(embedded)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  seedWeights(model, seed);
  return explainable(model);
}

const lstm = (config: { goBackwards?: boolean; returnSequences?: boolean; name?: string } = {}) => tf.layers.lstm({ units: 5, ...config });

const MODELS: Record<string, () => XaiModel> = {
  'an LSTM': () => textModel((x) => lstm().apply(x) as tf.SymbolicTensor, 1),
  'an LSTM with goBackwards': () => textModel((x) => lstm({ goBackwards: true }).apply(x) as tf.SymbolicTensor, 2),
  'two LSTMs, the first returning sequences': () => textModel((x) => lstm().apply(lstm({ returnSequences: true }).apply(x)) as tf.SymbolicTensor, 3),
  'Bidirectional (concat) returning sequences, then an LSTM': () =>
    textModel((x) => lstm().apply(tf.layers.bidirectional({ layer: lstm({ returnSequences: true }) as tf.layers.RNN, mergeMode: 'concat' }).apply(x)) as tf.SymbolicTensor, 4),
  'Bidirectional (ave)': () => textModel((x) => tf.layers.bidirectional({ layer: lstm() as tf.layers.RNN, mergeMode: 'ave' }).apply(x) as tf.SymbolicTensor, 5),
  'Bidirectional (sum)': () => textModel((x) => tf.layers.bidirectional({ layer: lstm() as tf.layers.RNN, mergeMode: 'sum' }).apply(x) as tf.SymbolicTensor, 6),
};

const RULES: [string, LrpOptions][] = [
  ['the default composite', {}],
  ['ε = 0.01 and biasFactor 1', { composite: recurrentComposite(epsilon(0.01), { epsilon: 0.01, biasFactor: 1 }) }],
];

beforeAll(async () => {
  await initBackend();
});

async function bothExecutors(model: XaiModel, options: LrpOptions) {
  const x = seededTokens(2, STEPS, VOCAB, 7, [0, 2]);
  const notices: string[] = [];
  const a = lrp(model, x, options);
  const b = await lrpOn(model, x, { ...options, executor: 'ort', onNotice: (line) => notices.push(line) });
  x.dispose();
  return { a, b, notices };
}

describe("LSTM layers on the 'ort' executor", () => {
  for (const [name, make] of Object.entries(MODELS)) {
    it.each(RULES)(`${name}: same relevance and logits as tfjs (%s)`, async (_rule, options) => {
      const model = make();
      const { a, b, notices } = await bothExecutors(model, options);
      try {
        expectSameOnBothExecutors(a, b, notices, 1e-5);
      } finally {
        a.dispose();
        b.dispose();
        model.dispose();
      }
    });
  }

  it.each([
    ['a GRU layer', () => textModel((x) => tf.layers.gru({ units: 5 }).apply(x) as tf.SymbolicTensor, 8), {}, /GruCell .*only LSTM cells/],
    ['per-layer recurrent rule options', () => textModel((x) => lstm({ name: 'seq' }).apply(x) as tf.SymbolicTensor, 9), { composite: recurrentComposite(epsilon(0.01), { layers: { seq: { epsilon: 0.1 } } }) }, /per-layer options/],
  ] as const)('%s falls back to tfjs with a notice naming it', async (_name, make, options, named) => {
    const model = make();
    const { a, b, notices } = await bothExecutors(model, options as LrpOptions);
    try {
      expect(b.execution?.executor).toBe('tfjs');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(named);
      expectCloseTensors(a.relevance, b.relevance, 'relevance', 1e-5);
    } finally {
      a.dispose();
      b.dispose();
      model.dispose();
    }
  });
});
