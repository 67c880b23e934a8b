/**
 * The benchmark on a channels-first ONNX model: samples in the model's own layout ([C, H, W]) and
 * the same samples channels-last give the same table (the metrics see the channels-last view), and
 * the view's explanations are the model's, transposed.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel, type XaiModel } from '@xai/core';
import { channelsLastBoundary, runBenchmark, toChannelsLast } from '../src/index.js';
import { ONNX_CNN_SHAPE, onnxCnn } from './onnx-models.js';

const [C, H, W] = ONNX_CNN_SHAPE;
const count = 3;
const inputs = Float32Array.from({ length: count * C * H * W }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37) * Math.cos(i * 0.11));
const labels = [0, 1, 2];
let model: XaiModel;

beforeAll(async () => {
  await initBackend();
  model = await loadModel(onnxCnn(), { label: 'cnn.onnx' });
});
afterAll(() => model.dispose());

describe('benchmarks on a channels-first ONNX model', () => {
  it('moves samples given in the model layout to channels-last; the view explains as the model does, transposed', async () => {
    const boundary = channelsLastBoundary(model, inputs, [C, H, W], undefined);
    try {
      expect(boundary.moved).toBe(true);
      expect(boundary.shape).toEqual([H, W, C]);
      const x = tf.tensor(inputs.subarray(0, C * H * W), [1, C, H, W]);
      const xl = tf.tensor(boundary.inputs.subarray(0, C * H * W), [1, H, W, C]);
      const own = await explain(model, x, { method: 'gradient', target: 1 });
      const viewed = await explain(boundary.model, xl, { method: 'gradient', target: 1 });
      const moved = toChannelsLast(own.relevance.dataSync() as Float32Array, [C, H, W]);
      const v = viewed.relevance.dataSync();
      for (let i = 0; i < moved.length; i++) expect(v[i]).toBeCloseTo(moved[i]!, 6);
      tf.dispose([x, xl]);
      own.dispose();
      viewed.dispose();
    } finally {
      boundary.dispose();
    }
  });

  it('gives one table whether the samples come channels-first or channels-last', async () => {
    const run = (samples: Float32Array, shape: number[]) => runBenchmark({
      model, samples: { inputs: samples, shape, labels }, methods: ['gradient', { method: 'lrp', options: { composite: 'epsilon_plus' } }],
      metrics: [{ name: 'pixel_flipping', options: { steps: 8 } }, 'sparseness', { name: 'model_randomisation', options: { maxLayers: 2 } }], seed: 4,
    });
    const first = await run(inputs, [C, H, W]);
    const before = tf.memory().numTensors; // after the first run: the model's ops keep their rules' kernels
    const last = await run(toChannelsLast(inputs, [C, H, W]), [H, W, C]);
    expect(tf.memory().numTensors).toBe(before);
    for (const row of first.table) expect(row.error).toBeUndefined();
    expect(first.table).toEqual(last.table);
    expect(first.samples.shape).toEqual([H, W, C]);
    const randomisation = first.curves.find((c) => c.metric === 'model_randomisation')!;
    expect(randomisation.labels).toEqual(['fc', 'conv2']);
  });
});
