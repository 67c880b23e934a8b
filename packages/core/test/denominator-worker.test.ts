/**
 * The denominator worker thread computes rule denominators during the forward pass; the result
 * must be exactly what the single-threaded engine computes, and the worker must not leak tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, lrp, setPrefetchThreshold, startWorkers, stopWorkers, workerStats, XaiModel } from '../src/index.js';

function cnn(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: tf.initializers.constant({ value: 0.01 }) }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.dense({ units: 4, kernelInitializer: init(4) }),
    ],
  });
}

describe('denominator worker', () => {
  let model: XaiModel;
  const x = () => tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 7);

  beforeAll(async () => {
    await initBackend();
    model = XaiModel.fromLayersModel(cnn());
  });

  afterAll(async () => {
    setPrefetchThreshold(2e7);
    await stopWorkers();
    model.dispose();
  });

  it('gives the same relevance as the single-threaded engine, for every composite', async () => {
    const input = x();
    const composites = ['epsilon_gamma_box', 'epsilon_plus', 'epsilon_alpha2_beta1', 'epsilon_plus_flat'];
    const local = composites.map((c) => {
      const e = lrp(model, input, { composite: c, target: [1, 3] });
      const v = Array.from(e.relevance.dataSync());
      e.dispose();
      return v;
    });
    await startWorkers();
    setPrefetchThreshold(0); // send every layer, however small
    composites.forEach((c, i) => {
      const before = workerStats()!.delivered;
      const e = lrp(model, input, { composite: c, target: [1, 3] });
      expect(Array.from(e.relevance.dataSync()), c).toEqual(local[i]);
      e.dispose();
      // gamma, z⁺, αβ and flat denominators all come from the worker here.
      expect(workerStats()!.delivered, c).toBeGreaterThan(before);
    });
    expect(workerStats()!.failed).toBe(0);
    input.dispose();
  });

  it('does not grow the tensor count over repeated explanations', async () => {
    await startWorkers();
    setPrefetchThreshold(0);
    const input = x();
    lrp(model, input, { composite: 'epsilon_gamma_box' }).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) lrp(model, input, { composite: 'epsilon_gamma_box' }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
  });
});
