/** Integrated gradients and occlusion beyond the reference cases: options, batching, memory. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradient, initBackend, integratedGradients, InvalidArgumentError, occlusion, XaiModel } from '../src/index.js';

describe('integrated gradients and occlusion', () => {
  let m: XaiModel;
  let linear: XaiModel;
  const x = () => tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 5);

  beforeAll(async () => {
    await initBackend();
    const init = (seed: number) => tf.initializers.glorotNormal({ seed });
    m = XaiModel.fromLayersModel(tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: 'tanh', kernelInitializer: init(1) }),
      tf.layers.flatten(), tf.layers.dense({ units: 3, kernelInitializer: init(2) }),
    ] }));
    linear = XaiModel.fromLayersModel(tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 6, 2] }), tf.layers.dense({ units: 3, kernelInitializer: init(3) })] }));
  });

  it('IG of a linear model is gradient × (x − baseline) for every Riemann rule and Gauss–Legendre (completeness)', async () => {
    const input = x();
    const g = gradient(linear, input, { target: [0, 2] });
    const expected = Array.from(tf.tidy(() => tf.mul(g.relevance, tf.sub(input, 0.5))).dataSync());
    for (const riemann of ['left', 'right', 'midpoint', 'gauss_legendre'] as const) {
      const ig = await integratedGradients(linear, input, { target: [0, 2], baseline: 0.5, riemann, steps: 7, batchSize: 5 });
      const got = Array.from(ig.relevance.dataSync());
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      ig.dispose();
    }
    g.dispose();
    input.dispose();
  });

  it('IG: batching the path does not change the result; Σ attributions ≈ f(x) − f(baseline)', async () => {
    const input = x();
    const a = await integratedGradients(m, input, { steps: 64, batchSize: 4 });
    const b = await integratedGradients(m, input, { steps: 64, batchSize: 200, target: a.targets });
    const av = Array.from(a.relevance.dataSync());
    Array.from(b.relevance.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(av[i]!, 5));
    const zeros = tf.zerosLike(input);
    const f0 = (m.layersModel.predict(zeros) as tf.Tensor).arraySync() as number[][];
    const fx = a.logits.arraySync() as number[][];
    const sums = tf.sum(a.relevance, [1, 2, 3]).arraySync() as number[];
    sums.forEach((s, k) => expect(Math.abs(s - (fx[k]![a.targets[k]!]! - f0[k]![a.targets[k]!]!))).toBeLessThan(2e-2));
    tf.dispose([zeros, input]);
    a.dispose();
    b.dispose();
  });

  it('occlusion: a window over the whole input gives f(x) − f(fill) everywhere; bad windows are named', async () => {
    const input = x();
    const o = await occlusion(m, input, { window: [6, 6], fill: 0.25, target: 1 });
    const filled = tf.fill([2, 6, 6, 2], 0.25);
    const f = (m.layersModel.predict(filled) as tf.Tensor).arraySync() as number[][];
    const fx = o.logits.arraySync() as number[][];
    const r = o.relevance.arraySync() as number[][][][];
    r.forEach((sample, k) => sample.flat(2).forEach((v) => expect(v).toBeCloseTo(fx[k]![1]! - f[k]![1]!, 5)));
    await expect(occlusion(m, input, { window: [2] })).rejects.toThrow(InvalidArgumentError);
    await expect(occlusion(m, input, { target: 7 })).rejects.toThrow(/out of range/);
    tf.dispose([filled, input]);
    o.dispose();
  });

  it('neither leaks tensors over repeated calls, nor on errors', async () => {
    const input = x();
    const one = tf.slice(input, 0, 1).squeeze([0]); // a single sample without batch axis
    (await integratedGradients(m, input)).dispose();
    (await occlusion(m, input, { window: 3, stride: 2 })).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      (await integratedGradients(m, input, { steps: 5, baseline: 'blur', blurSigma: 1 })).dispose();
      (await occlusion(m, input, { window: 3, stride: 2, batchSize: 3, fill: 'blur', blurSigma: 1 })).dispose();
      await expect(occlusion(m, one, { window: [9, 9] })).rejects.toThrow(InvalidArgumentError);
      await expect(integratedGradients(m, one, { target: 9 })).rejects.toThrow(/out of range/);
      const single = await occlusion(m, one, { window: 2, fill: 'mean' });
      expect(single.relevance.shape).toEqual([6, 6, 2]);
      single.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([input, one]);
  });
});
