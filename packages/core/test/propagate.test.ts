/**
 * Propagation from any seed at any node: an inner channel's relevance is that of the model cut at
 * that layer; a cotangent seed under the gradient composite is Jᵀv (finite differences); nothing
 * leaks over repeated calls.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelSeed, initBackend, logitSeed, lrp, maskSeed, propagate, XaiModel } from '../src/index.js';
import { expectClose, rng } from './helpers.js';

const init = (seed: number) => tf.initializers.glorotNormal({ seed });
const front = (activation: 'relu' | 'tanh') => [
  tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, activation, name: 'conv1', kernelInitializer: init(1), biasInitializer: tf.initializers.randomNormal({ stddev: 0.2, seed: 11 }) }),
  tf.layers.conv2d({ filters: 5, kernelSize: 3, activation, name: 'conv2', kernelInitializer: init(2), biasInitializer: tf.initializers.randomNormal({ stddev: 0.2, seed: 12 }) }),
];
const head = () => [tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 3, kernelInitializer: init(3) })];
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('propagate: any seed, from any node', () => {
  let full: XaiModel;
  let cut: XaiModel;
  const x = () => tf.randomUniform([2, 8, 8, 2], 0, 1, 'float32', 9);

  beforeAll(async () => {
    await initBackend();
    const model = tf.sequential({ layers: [...front('relu'), ...head()] });
    const cutModel = tf.sequential({ layers: front('relu') });
    cutModel.setWeights(model.getWeights().slice(0, 4)); // the same two convolutions, their own copy
    full = XaiModel.fromLayersModel(model);
    cut = XaiModel.fromLayersModel(cutModel);
  });
  afterAll(() => {
    full.dispose();
    cut.dispose();
  });

  it("relevance of an inner conv channel equals the LRP of the model cut at that layer, seeded with that channel", () => {
    const input = x();
    for (const composite of ['epsilon_plus', 'epsilon_gamma_box', 'epsilon_alpha2_beta1']) {
      const inner = propagate(full, input, { from: 'conv2', seed: channelSeed(3), composite, at: ['conv1'] });
      const ofCut = propagate(cut, input, { seed: channelSeed(3), composite, at: ['conv1'] });
      expect(inner.activation.shape).toEqual([2, 4, 4, 5]);
      // Equal to the last bit (up to the sign of zeros: the two graphs route -0 differently).
      expectClose(values(inner.relevance), values(ofCut.relevance), 0, 0, composite);
      expectClose(values(inner.nodeRelevance.get('conv1')!), values(ofCut.nodeRelevance.get('conv1')!), 0, 0, `${composite} at conv1`);
      expect(values(inner.relevance).some((v) => v !== 0)).toBe(true);
      inner.dispose();
      ofCut.dispose();
    }
    input.dispose();
  });

  it('one-hot × logit at the output is what lrp() computes; a mask seed selects positions', () => {
    const input = x();
    const a = propagate(full, input, { seed: logitSeed([0, 2]), composite: 'epsilon_plus' });
    const b = lrp(full, input, { target: [0, 2], composite: 'epsilon_plus' });
    expectClose(values(a.relevance), values(b.relevance), 0, 0);
    const mask = tf.tensor([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [4, 4, 1]);
    const corner = propagate(full, input, { from: 'conv2', seed: maskSeed(mask) });
    // Only the 5×5 receptive field of the top-left conv2 position receives relevance.
    const r = corner.relevance.arraySync() as number[][][][];
    r.forEach((sample) => sample.forEach((row, i) => row.forEach((px, j) => { if (i >= 5 || j >= 5) expect(px.every((v) => v === 0)).toBe(true); })));
    tf.dispose([input, mask]);
    [a, b, corner].forEach((e) => e.dispose());
  });

  it('seed = a cotangent v under the gradient composite gives Jᵀv (central differences)', () => {
    const smooth = tf.sequential({ layers: [...front('tanh'), tf.layers.flatten(), tf.layers.dense({ units: 3, kernelInitializer: init(4) })] });
    const xm = XaiModel.fromLayersModel(smooth);
    const input = x().slice(0, 1);
    const v = tf.tensor([[0.7, -1.3, 0.4]]);
    const p = propagate(xm, input, { seed: v, composite: 'gradient' });
    const jtv = values(p.relevance);
    const f = (u: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(smooth.predict(u) as tf.Tensor, v)).dataSync()[0]!);
    const h = 1e-2;
    const r = rng(3);
    const scale = Math.max(...jtv.map(Math.abs));
    for (let k = 0; k < 12; k++) {
      const i = r.int(jtv.length);
      const e = tf.oneHot([i], jtv.length).reshape(input.shape).mul(h);
      const numeric = (f(input.add(e)) - f(input.sub(e))) / (2 * h);
      expect(Math.abs(jtv[i]! - numeric)).toBeLessThan(2e-3 * scale + 1e-5);
      e.dispose();
    }
    tf.dispose([input, v]);
    p.dispose();
    xm.dispose();
  });

  it('names a missing node and a seed of the wrong shape; does not grow the tensor count', () => {
    const input = x();
    expect(() => propagate(full, input, { from: 'nope', seed: channelSeed(0) })).toThrow(/no node or layer named 'nope'/);
    const wrong = tf.zeros([2, 4]);
    expect(() => propagate(full, input, { seed: wrong })).toThrow(/the seed has shape \[2,4\]/);
    const run = () => propagate(full, input, { from: 'conv1', seed: channelSeed(1), composite: 'epsilon_gamma_box', at: 'all' }).dispose();
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([input, wrong]);
  });
});
