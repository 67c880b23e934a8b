/**
 * Core's composites still give the rules of the Dense/Conv layers around the recurrent ones: a
 * convolutional front end with a recurrent head (EEG-style Conv1D → LSTM, video/fMRI-style
 * TimeDistributed(Conv2D) → LSTM).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { epsilon, initBackend, lrp, zbox, zplus, type Composite, type LinearRule } from '@xai/core';
import { engineForward, explainable, expectClose, seededInput, seedWeights } from './helpers.js';

/** A rule that records the input shapes of the layers it was applied to. */
function spy(rule: LinearRule, seen: number[][]): LinearRule {
  return { name: rule.name, params: rule.params, propagate: (map, input) => (seen.push(input.x.shape), rule.propagate(map, input)) };
}

describe('composites on a convolutional front end with a recurrent head', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('Conv1D → LSTM → Dense: z⁺ on the convolution, ε on the Dense layers, the recurrent rule in between', () => {
    const model = tf.sequential();
    model.add(tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 3] }));
    model.add(tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }));
    model.add(tf.layers.dense({ units: 4, activation: 'relu' }));
    model.add(tf.layers.dense({ units: 2 }));
    seedWeights(model, 71);
    const x = seededInput([2, 8, 3], 72);
    const xm = explainable(model);
    const [convSeen, denseSeen]: number[][][] = [[], []];
    const composite: Composite = { name: 'spied epsilon_plus', entries: [[{ family: 'conv' }, spy(zplus(), convSeen)], [{ family: 'dense' }, spy(epsilon(1e-6), denseSeen)]] };
    const e = lrp(xm, x, { target: 1, composite, keepNodeRelevance: true });
    const [conv] = xm.linearNodes();
    expect(convSeen).toEqual([[2, 8, 3]]);
    expect(denseSeen).toEqual([[2, 4], [2, 5]]);

    // The input relevance is z⁺ applied by hand to the relevance at the convolution's output.
    const r = e.nodeRelevance!.get(conv!.name)!;
    const [kernel, bias] = model.layers[0]!.getWeights() as [tf.Tensor3D, tf.Tensor1D];
    const expected = tf.tidy(() => {
      const conv1d = (u: tf.Tensor, k: tf.Tensor) => tf.conv1d(u as tf.Tensor3D, k as tf.Tensor3D, 1, 'same');
      const [xp, xn, wp, wn] = [tf.relu(x), tf.minimum(x, 0), tf.relu(kernel), tf.minimum(kernel, 0)];
      const z = tf.add(tf.add(conv1d(xp, wp), conv1d(xn, wn)), tf.relu(bias));
      const s = tf.div(r, tf.add(z, tf.mul(tf.sub(tf.mul(tf.cast(tf.greaterEqual(z, 0), 'float32'), 2), 1), 1e-6)));
      const back = (k: tf.Tensor) => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(conv1d(u, k), s)))(x);
      return tf.add(tf.mul(xp, back(wp)), tf.mul(xn, back(wn)));
    });
    expectClose(e.relevance, expected, 1e-4, 1e-7, 'z⁺ on Conv1D');
    e.dispose();
    expected.dispose();
    xm.dispose();
  });

  it('TimeDistributed(Conv2D) → TimeDistributed(MaxPooling2D, Flatten) → GRU → Dense: the wrapped convolution is the first layer of epsilon_gamma_box', () => {
    const model = tf.sequential();
    model.add(tf.layers.timeDistributed({ layer: tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }), inputShape: [4, 6, 6, 1] }));
    model.add(tf.layers.timeDistributed({ layer: tf.layers.maxPooling2d({ poolSize: 2 }) }));
    model.add(tf.layers.timeDistributed({ layer: tf.layers.flatten() }));
    model.add(tf.layers.gru({ units: 4 }));
    model.add(tf.layers.dense({ units: 2 }));
    seedWeights(model, 73);
    const x = seededInput([2, 4, 6, 6, 1], 74, 0, 1);
    const predicted = model.predict(x) as tf.Tensor;
    const xm = explainable(model);
    expectClose(engineForward(xm, x), predicted, 1e-5, 1e-6, 'forward');
    const [boxSeen, denseSeen]: number[][][] = [[], []];
    const composite: Composite = {
      name: 'spied epsilon_gamma_box',
      entries: [[{ first: true, family: 'conv' }, spy(zbox(0, 1), boxSeen)], [{ family: 'dense' }, spy(epsilon(1e-6), denseSeen)]],
    };
    const e = lrp(xm, x, { target: 0, composite });
    const [conv] = xm.linearNodes();
    expect(conv!.layerClass).toBe('Conv2D');
    expect(boxSeen).toEqual([[8, 6, 6, 1]]);
    expect(denseSeen).toEqual([[2, 4]]);
    expect(e.relevance.shape).toEqual(x.shape);
    expect(Array.from(e.relevance.dataSync()).some((v) => v !== 0)).toBe(true);
    e.dispose();
    // The named preset resolves too.
    lrp(xm, x, { target: 0, composite: 'epsilon_gamma_box', low: 0, high: 1 }).dispose();
    xm.dispose();
  });
});
