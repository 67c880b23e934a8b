/**
 * The engine's forward pass recomputes each recurrent layer from its own configuration; it must
 * equal tfjs' `model.predict` for every option the plugin accepts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@xai/core';
import { engineForward, explainable, expectClose, seededInput, seededTokens, seedWeights } from './helpers.js';

type Kind = 'lstm' | 'gru' | 'simpleRNN';
const KINDS: Kind[] = ['lstm', 'gru', 'simpleRNN'];
const recurrent = (kind: Kind, args: Record<string, unknown>) => (tf.layers[kind] as (a: object) => tf.layers.Layer)(args);

/** Builds, seeds, and checks engine forward == predict on a seeded batch. */
function checkForward(build: () => tf.LayersModel, input: tf.Tensor, label: string, seed = 7): void {
  const model = build();
  seedWeights(model, seed);
  const expected = model.predict(input) as tf.Tensor;
  const xm = explainable(model);
  try {
    const actual = engineForward(xm, input);
    expectClose(actual, expected, 1e-5, 1e-6, label);
    tf.dispose([actual, expected]);
  } finally {
    xm.dispose();
  }
}

const seq = (layers: tf.layers.Layer[]) => {
  const m = tf.sequential();
  layers.forEach((l) => m.add(l));
  return m;
};

describe('forward pass equals model.predict', () => {
  let x: tf.Tensor;
  beforeAll(async () => {
    await initBackend();
    x = seededInput([3, 6, 4], 11, -2, 2);
  });

  const variants: [string, Record<string, unknown>][] = [
    ['defaults (tanh, hardSigmoid)', {}],
    ['tanh/sigmoid', { activation: 'tanh', recurrentActivation: 'sigmoid' }],
    ['relu/sigmoid', { activation: 'relu', recurrentActivation: 'sigmoid' }],
    ['useBias false', { useBias: false }],
    ['unitForgetBias', { unitForgetBias: true }],
    ['goBackwards', { goBackwards: true }],
    ['returnSequences', { returnSequences: true }],
    ['returnSequences + goBackwards', { returnSequences: true, goBackwards: true }],
  ];
  for (const kind of KINDS) {
    for (const [name, args] of variants) {
      if (kind === 'simpleRNN' && ('recurrentActivation' in args || 'unitForgetBias' in args)) continue;
      it(`${kind} ${name}`, () => {
        checkForward(() => seq([recurrent(kind, { units: 5, inputShape: [6, 4], ...args })]), x, `${kind} ${name}`);
      });
    }
  }

  for (const mergeMode of ['concat', 'sum', 'ave'] as const) {
    for (const returnSequences of [false, true]) {
      for (const kind of KINDS) {
        it(`Bidirectional(${kind}) ${mergeMode}, returnSequences ${returnSequences}`, () => {
          checkForward(
            () => seq([tf.layers.bidirectional({ layer: recurrent(kind, { units: 3, returnSequences }) as never, mergeMode, inputShape: [6, 4] })]),
            x,
            `bidirectional ${kind} ${mergeMode}`,
          );
        });
      }
    }
  }

  it('TimeDistributed(Dense) between recurrent layers', () => {
    checkForward(
      () =>
        seq([
          tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'relu' }), inputShape: [6, 4] }),
          tf.layers.lstm({ units: 4, returnSequences: true }),
          tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }),
        ]),
      x,
      'time distributed',
    );
  });

  it('TimeDistributed(LSTM) over a sequence of sequences', () => {
    const nested = seededInput([2, 3, 6, 4], 12);
    checkForward(
      () => seq([tf.layers.timeDistributed({ layer: tf.layers.lstm({ units: 3, goBackwards: true }), inputShape: [3, 6, 4] }), tf.layers.simpleRNN({ units: 2 })]),
      nested,
      'time distributed lstm',
    );
  });

  it('stacked LSTM → GRU → SimpleRNN → Dense', () => {
    checkForward(
      () =>
        seq([
          tf.layers.lstm({ units: 5, returnSequences: true, inputShape: [6, 4] }),
          tf.layers.gru({ units: 4, returnSequences: true, goBackwards: true }),
          tf.layers.simpleRNN({ units: 3 }),
          tf.layers.dense({ units: 2 }),
        ]),
      x,
      'stacked',
    );
  });

  it('Embedding with maskZero masks padded steps in LSTM, GRU, Bidirectional and stacked layers', () => {
    // Row 0 has no padding, rows 1 and 2 start with 2 and 4 padding zeros, row 3 has a zero inside.
    const ids = tf.concat([seededTokens(3, 7, 12, 5, [0, 2, 4]), tf.tensor2d([[3, 4, 0, 5, 6, 0, 7]])]);
    const build = (maskZero: boolean) => () =>
      seq([
        tf.layers.embedding({ inputDim: 12, outputDim: 4, maskZero, inputLength: 7 }),
        tf.layers.lstm({ units: 4, returnSequences: true }),
        tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true }) as never, mergeMode: 'concat' }),
        tf.layers.simpleRNN({ units: 3, goBackwards: true }),
        tf.layers.dense({ units: 2 }),
      ]);
    checkForward(build(true), ids, 'masked');
    // The mask matters for these inputs: the same weights without maskZero give other outputs.
    const [masked, plain] = [build(true)(), build(false)()];
    seedWeights(masked, 7);
    seedWeights(plain, 7);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(masked.predict(ids) as tf.Tensor, plain.predict(ids) as tf.Tensor))).dataSync()[0]!);
    expect(diff).toBeGreaterThan(1e-3);
    masked.dispose();
    plain.dispose();
  });

  it('token ids as int32 or float32 give the same forward pass', () => {
    const ids = seededTokens(2, 7, 12, 9);
    checkForward(() => seq([tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 7 }), tf.layers.lstm({ units: 3 })]), ids.toInt(), 'int32');
    checkForward(() => seq([tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 7 }), tf.layers.lstm({ units: 3 })]), ids, 'float32');
  });
});
