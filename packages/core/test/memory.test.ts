/**
 * Repeated explanations must not leak tensors: after one warm-up call (which may fill the per-layer
 * caches of modified kernels), 100 further calls leave tf.memory().numTensors unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradient, gradientXInput, initBackend, InvalidArgumentError, lrp, XaiModel, type Explanation } from '../src/index.js';
import { rng } from './helpers.js';

const REPEATS = 100;

let model: XaiModel;
let x: tf.Tensor;
let single: tf.Tensor;
let low: tf.Tensor;
let high: tf.Tensor;

beforeAll(async () => {
  await initBackend();
  const seed = (s: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: s + 100 }) });
  const lm = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 3], filters: 4, kernelSize: 3, activation: 'relu', ...seed(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', ...seed(2) }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: 'relu', ...seed(3) }),
      tf.layers.dense({ units: 3, activation: 'softmax', ...seed(4) }),
    ],
  });
  model = XaiModel.fromLayersModel(lm);
  const r = rng(5);
  x = tf.tensor(r.array(2 * 300, 0, 1), [2, 10, 10, 3]);
  single = tf.tensor(r.array(300, 0, 1), [10, 10, 3]);
  low = tf.zeros([10, 10, 3]);
  high = tf.ones([10, 10, 3]);
});

afterAll(() => {
  model.dispose();
  [x, single, low, high].forEach((t) => t.dispose());
});

const CALLS: [string, () => Explanation | void][] = [
  // Calls without `target` explain the arg-max class.
  ['lrp epsilon_plus, default (arg-max) target', () => lrp(model, x, { composite: 'epsilon_plus' })],
  ['lrp epsilon_plus, explicit target', () => lrp(model, x, { composite: 'epsilon_plus', target: 0 })],
  ['lrp epsilon_plus_flat, per-sample targets', () => lrp(model, x, { composite: 'epsilon_plus_flat', target: [0, 2] })],
  ['lrp epsilon_gamma_box, scalar bounds', () => lrp(model, x, { composite: 'epsilon_gamma_box', low: 0, high: 1, target: [1, 1] })],
  ['lrp epsilon_gamma_box, tensor bounds', () => lrp(model, x, { composite: 'epsilon_gamma_box', low, high, target: 2 })],
  ['lrp epsilon_alpha2_beta1 with keepNodeRelevance', () => lrp(model, x, { composite: 'epsilon_alpha2_beta1', keepNodeRelevance: true, target: 0 })],
  ['lrp on an unbatched sample', () => lrp(model, single, { composite: 'epsilon_plus', target: 1 })],
  ['gradient', () => gradient(model, x, { target: 1 })],
  ['gradient, default (arg-max) target', () => gradient(model, x)],
  ['gradient×input', () => gradientXInput(model, x, { target: [2, 0] })],
  ['gradient×input, default (arg-max) target', () => gradientXInput(model, x)],
  [
    'a rejected target (InvalidArgumentError)',
    () => {
      expect(() => lrp(model, x, { composite: 'epsilon_plus', target: 7 })).toThrow(InvalidArgumentError);
    },
  ],
  [
    'a rejected input shape (InvalidArgumentError)',
    () => {
      const bad = tf.zeros([1, 9, 10, 3]);
      expect(() => gradient(model, bad)).toThrow(InvalidArgumentError);
      bad.dispose();
    },
  ],
];

describe(`${REPEATS} repeated explanations keep tf.memory().numTensors constant`, () => {
  for (const [label, call] of CALLS) {
    it(label, () => {
      call()?.dispose(); // warm-up: fills the caches of modified/flipped kernels
      const before = tf.memory().numTensors;
      for (let i = 0; i < REPEATS; i++) call()?.dispose();
      const leaked = tf.memory().numTensors - before;
      expect(leaked, `${leaked} tensors leaked over ${REPEATS} calls`).toBe(0);
    });
  }

  it('1-D layers (Conv1D, MaxPooling1D, AveragePooling1D): LRP, gradient and the model forward', () => {
    const init = (s: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s }) });
    const m1 = XaiModel.fromLayersModel(tf.sequential({ layers: [
      tf.layers.conv1d({ inputShape: [16, 2], filters: 3, kernelSize: 3, activation: 'relu', ...init(7) }),
      tf.layers.maxPooling1d({ poolSize: 2 }),
      tf.layers.conv1d({ filters: 4, kernelSize: 2, padding: 'same', activation: 'relu', ...init(8) }),
      tf.layers.averagePooling1d({ poolSize: 2, padding: 'same' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, ...init(9) }),
    ] }));
    const signal = tf.randomUniform([2, 16, 2], -1, 1, 'float32', 3);
    const run = () => {
      lrp(m1, signal, { composite: 'epsilon_plus' }).dispose();
      gradient(m1, signal).dispose();
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    m1.dispose();
    signal.dispose();
  });

  it('all of them interleaved', () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) for (const [, call] of CALLS) call()?.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
