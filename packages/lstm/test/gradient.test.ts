/**
 * Gradient mode: the engine's backward pass through recurrent layers must be the exact transposed
 * Jacobian (backpropagation through time), checked against tfjs autodiff (`tf.grad`) of the model.
 * Gradient×input and integrated gradients then work through the same engine.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradient, gradientXInput, initBackend, integratedGradients, type XaiModel } from '@xai/core';
import { relevanceAtEmbedding } from '../src/index.js';
import { explainable, expectClose, pick, seededInput, seededTokens, seedWeights, tfGradient } from './helpers.js';

type Kind = 'lstm' | 'gru' | 'simpleRNN';
const KINDS: Kind[] = ['lstm', 'gru', 'simpleRNN'];
const recurrent = (kind: Kind, args: Record<string, unknown>) => (tf.layers[kind] as (a: object) => tf.layers.Layer)(args);

function seq(layers: tf.layers.Layer[], seed = 3): tf.Sequential {
  const m = tf.sequential();
  layers.forEach((l) => m.add(l));
  seedWeights(m, seed);
  return m;
}

/** Engine gradient == tf.grad for every target class. */
function checkGradient(model: tf.LayersModel, x: tf.Tensor, label: string): void {
  const classes = (model.outputs[0]!.shape as number[])[1]!;
  const expected = Array.from({ length: classes }, (_, target) => tfGradient(model, x, target));
  const xm = explainable(model);
  try {
    for (let target = 0; target < classes; target++) {
      const g = gradient(xm, x, { target });
      expectClose(g.relevance, expected[target]!, 1e-4, 1e-6, `${label} target ${target}`);
      g.dispose();
    }
  } finally {
    tf.dispose(expected);
    xm.dispose();
  }
}

describe('gradient mode equals tf.grad', () => {
  let x: tf.Tensor;
  beforeAll(async () => {
    await initBackend();
    x = seededInput([2, 5, 3], 21, -2, 2);
  });

  const variants: [string, Record<string, unknown>][] = [
    ['defaults (tanh, hardSigmoid)', {}],
    ['tanh/sigmoid', { recurrentActivation: 'sigmoid' }],
    ['useBias false, relu', { useBias: false, activation: 'relu' }],
    ['goBackwards', { goBackwards: true }],
    ['returnSequences', { returnSequences: true }],
    ['returnSequences + goBackwards', { returnSequences: true, goBackwards: true }],
  ];
  for (const kind of KINDS) {
    for (const [name, args] of variants) {
      if (kind === 'simpleRNN' && 'recurrentActivation' in args) continue;
      it(`${kind} ${name}`, () => {
        const layers = [recurrent(kind, { units: 4, inputShape: [5, 3], ...args })];
        if (args.returnSequences) layers.push(tf.layers.flatten());
        checkGradient(seq([...layers, tf.layers.dense({ units: 3 })]), x, `${kind} ${name}`);
      });
    }
  }

  for (const mergeMode of ['concat', 'sum', 'ave'] as const) {
    it(`Bidirectional(LSTM) ${mergeMode} with returnSequences, then Bidirectional(GRU)`, () => {
      const model = seq([
        tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' }) as never, mergeMode, inputShape: [5, 3] }),
        tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2 }) as never, mergeMode }),
        tf.layers.dense({ units: 2 }),
      ]);
      checkGradient(model, x, `bidirectional ${mergeMode}`);
    });
  }

  it('TimeDistributed(Dense) front end and stacked recurrent layers', () => {
    const model = seq([
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4, activation: 'tanh' }), inputShape: [5, 3] }),
      tf.layers.simpleRNN({ units: 4, returnSequences: true }),
      tf.layers.lstm({ units: 3, returnSequences: true, goBackwards: true }),
      tf.layers.gru({ units: 3 }),
      tf.layers.dense({ units: 2 }),
    ]);
    checkGradient(model, x, 'stacked');
  });

  it('TimeDistributed(Conv2D, MaxPooling2D, Flatten) front end with a GRU head', () => {
    const model = seq([
      tf.layers.timeDistributed({ layer: tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }), inputShape: [3, 5, 5, 1] }),
      tf.layers.timeDistributed({ layer: tf.layers.maxPooling2d({ poolSize: 2 }) }),
      tf.layers.timeDistributed({ layer: tf.layers.flatten() }),
      tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: 2 }),
    ]);
    checkGradient(model, seededInput([2, 3, 5, 5, 1], 22), 'time distributed conv');
  });

  it('masked steps: the gradient at the embedding output equals tf.grad with the mask', () => {
    const ids = seededTokens(3, 6, 10, 4, [0, 2, 3]);
    const model = seq([
      tf.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputLength: 6 }),
      tf.layers.lstm({ units: 4, returnSequences: true }),
      tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3 }) as never, mergeMode: 'sum' }),
      tf.layers.dense({ units: 2 }),
    ]);
    const mask = tf.notEqual(ids, 0);
    const embedded = model.layers[0]!.apply(ids) as tf.Tensor;
    const head = (e: tf.Tensor) => model.layers.slice(1).reduce((h, layer) => layer.apply(h, { mask }) as tf.Tensor, e);
    const expected = tf.grad((e: tf.Tensor) => pick(head(e), 1))(embedded);
    const xm = explainable(model);
    const g = gradient(xm, ids, { target: 1, keepNodeRelevance: true });
    expectClose(relevanceAtEmbedding(xm.graph, g.nodeRelevance), expected, 1e-4, 1e-6, 'masked');
    // Token ids are not differentiable: the engine reports zeros for them.
    expect(Array.from(g.relevance.dataSync()).every((v) => v === 0)).toBe(true);
    g.dispose();
    xm.dispose();
    tf.dispose([mask, embedded, expected, ids]);
  });

  describe('methods built on the gradient', () => {
    let model: tf.LayersModel;
    let xm: XaiModel;
    beforeAll(() => {
      model = seq([tf.layers.lstm({ units: 4, inputShape: [5, 3], recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 3 })], 8);
      xm = explainable(model);
    });

    it('gradient × input', () => {
      const e = gradientXInput(xm, x, { target: 2 });
      const g = tfGradient(model, x, 2);
      expectClose(e.relevance, tf.mul(g, x), 1e-4, 1e-6, 'gradient × input');
      e.dispose();
    });

    it('integrated gradients (right Riemann sum, zero baseline)', async () => {
      const steps = 8;
      const e = await integratedGradients(xm, x, { target: 0, steps, baseline: 0, riemann: 'right' });
      const expected = tf.tidy(() => {
        let total = tf.zerosLike(x);
        for (let k = 1; k <= steps; k++) total = tf.add(total, tfGradient(model, tf.mul(x, k / steps), 0));
        return tf.mul(tf.div(total, steps), x);
      });
      expectClose(e.relevance, expected, 1e-4, 1e-6, 'integrated gradients');
      e.dispose();
      expected.dispose();
    });
  });
});
