/**
 * Recurrent layers (LSTM, GRU, SimpleRNN) on core's 'ort' executor (time steps unrolled into the
 * compiled graph) against the tfjs executor: same token relevance and logits (relative tolerance
 * 2e-5, see TOLERANCE) for masked sequences, goBackwards, returned sequences, Bidirectional with every merge mode,
 * unmasked sequences, other activations, no bias, the recurrent rule's ε and biasFactor 1, and
 * per-layer rule options; an activation the compiler lacks and onInitialState reports fall back to
 * tfjs with a notice naming them. Batches of 2 with different padding, one run each.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { epsilon, initBackend, lrp, lrpOn, type LrpOptions, type XaiModel } from '@xai/core';
import { recurrentComposite, type RecurrentRuleOptions } from '../src/index.js';
import { expectCloseTensors, expectSameOnBothExecutors } from '../../core/test/executor-comparison.js';
import { explainable, seedWeights, seededTokens } from './helpers.js';

const VOCAB = 12;
const STEPS = 6;

/** Embedding (maskZero by default) → `recurrent` layers → Dense(3), seeded weights. */
function textModel(layers: (x: tf.SymbolicTensor) => tf.SymbolicTensor, seed: number, maskZero = true): XaiModel {
  const input = tf.input({ shape: [STEPS] });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero }).apply(input) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3 }).apply(layers(embedded)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  seedWeights(model, seed);
  return explainable(model);
}

type LayerConfig = { goBackwards?: boolean; returnSequences?: boolean; name?: string; activation?: string; recurrentActivation?: string; useBias?: boolean };
type Recurrent = (config?: LayerConfig) => tf.layers.RNN;

const CELLS: Record<string, Recurrent> = {
  LSTM: (config = {}) => tf.layers.lstm({ units: 5, ...(config as object) }),
  GRU: (config = {}) => tf.layers.gru({ units: 5, ...(config as object) }),
  SimpleRNN: (config = {}) => tf.layers.simpleRNN({ units: 5, ...(config as object) }),
};

const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;

/** The same architectures for each kind of recurrent layer (seeds differ per kind and architecture). */
function models(kind: string, layer: Recurrent, seed: number): Record<string, () => XaiModel> {
  return {
    [`a ${kind}`]: () => textModel((x) => apply(layer(), x), seed + 1),
    [`a ${kind} with goBackwards`]: () => textModel((x) => apply(layer({ goBackwards: true }), x), seed + 2),
    [`two ${kind}s, the first returning sequences`]: () => textModel((x) => apply(layer(), apply(layer({ returnSequences: true }), x)), seed + 3),
    [`Bidirectional ${kind} (concat) returning sequences, then a ${kind}`]: () =>
      textModel((x) => apply(layer(), apply(tf.layers.bidirectional({ layer: layer({ returnSequences: true }), mergeMode: 'concat' }), x)), seed + 4),
    [`Bidirectional ${kind} (ave)`]: () => textModel((x) => apply(tf.layers.bidirectional({ layer: layer(), mergeMode: 'ave' }), x), seed + 5),
    [`Bidirectional ${kind} (sum)`]: () => textModel((x) => apply(tf.layers.bidirectional({ layer: layer(), mergeMode: 'sum' }), x), seed + 6),
    [`two ${kind}s without masking`]: () => textModel((x) => apply(layer({ goBackwards: true }), apply(layer({ returnSequences: true }), x)), seed + 7, false),
  };
}

const MODELS: Record<string, () => XaiModel> = {
  ...models('LSTM', CELLS.LSTM!, 0),
  ...models('GRU', CELLS.GRU!, 10),
  ...models('SimpleRNN', CELLS.SimpleRNN!, 20),
  'a GRU with sigmoid gates, relu and no bias': () => textModel((x) => apply(CELLS.GRU!({ recurrentActivation: 'sigmoid', activation: 'relu', useBias: false }), x), 31),
  'a SimpleRNN with relu, then one with no bias': () => textModel((x) => apply(CELLS.SimpleRNN!({ useBias: false }), apply(CELLS.SimpleRNN!({ activation: 'relu', returnSequences: true }), x)), 32),
};

const RULES: [string, LrpOptions][] = [
  ['the default composite', {}],
  ['ε = 0.01 and biasFactor 1', { composite: recurrentComposite(epsilon(0.01), { epsilon: 0.01, biasFactor: 1 }) }],
];

/**
 * Relative tolerance of the cross-executor comparison: tfjs and ORT sum in different orders in
 * float32; over seeds, SimpleRNN cases with ε = 0.01 and biasFactor 1 differ by up to 1.1e-5, the
 * others by under 2e-6. A wrong step would differ by orders of magnitude more.
 */
const TOLERANCE = 2e-5;

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

describe("recurrent layers on the 'ort' executor", () => {
  for (const [name, make] of Object.entries(MODELS)) {
    it.each(RULES)(`${name}: same relevance and logits as tfjs (%s)`, async (_rule, options) => {
      const model = make();
      const { a, b, notices } = await bothExecutors(model, options);
      try {
        expectSameOnBothExecutors(a, b, notices, TOLERANCE);
      } finally {
        a.dispose();
        b.dispose();
        model.dispose();
      }
    });
  }

  it('per-layer recurrent rule options: same as tfjs, each set compiled on its own', async () => {
    const model = textModel((x) => apply(CELLS.GRU!({ name: 'second' }), apply(CELLS.LSTM!({ name: 'first', returnSequences: true }), x)), 33);
    try {
      const perLayer: NonNullable<RecurrentRuleOptions['layers']>[] = [{ first: { epsilon: 0.1, biasFactor: 1 } }, { second: { epsilon: 0.05 } }];
      for (const layers of perLayer) {
        const { a, b, notices } = await bothExecutors(model, { composite: recurrentComposite(epsilon(0.01), { epsilon: 0.01, layers }) });
        try {
          expectSameOnBothExecutors(a, b, notices, TOLERANCE);
        } finally {
          a.dispose();
          b.dispose();
        }
      }
    } finally {
      model.dispose();
    }
  });

  it.each([
    ['an activation the compiler lacks', () => textModel((x) => apply(CELLS.SimpleRNN!({ name: 'rnn', activation: 'elu' }), x), 34), {}, /activation 'elu' inside layer 'rnn'/],
    ['an onInitialState report', () => textModel((x) => apply(CELLS.GRU!({ name: 'seq' }), x), 35), { composite: recurrentComposite(epsilon(0.01), { onInitialState: () => {} }) }, /onInitialState report \(layer 'seq'\)/],
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
