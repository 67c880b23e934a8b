/**
 * The benchmark on a channels-first ONNX model: the metrics see samples channels-last, every model
 * call and explanation crosses back to the model's layout. Samples in the model's own layout
 * ([C, H, W]) and the same samples channels-last give the same table, window methods (occlusion)
 * included, and core's channels-last view of the model (what the server passes) is taken as a
 * channels-last model.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel, type XaiModel } from '@xai/core';
import { channelsLastBoundary, coreExplainer, isChannelsLastView, runBenchmark, toChannelsFirst, toChannelsLast } from '../src/index.js';
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
  it('moves samples given in the model layout to channels-last and back; explanations across the boundary are the model’s, moved', async () => {
    const boundary = channelsLastBoundary(model, inputs, [C, H, W], undefined)!;
    expect(boundary).toMatchObject({ moved: true, shape: [H, W, C], channels: 'last' });
    expect(Array.from(boundary.toModel(boundary.inputs))).toEqual(Array.from(inputs));
    expect(Array.from(toChannelsFirst(toChannelsLast(inputs, [C, H, W]), [H, W, C]))).toEqual(Array.from(inputs));
    expect(channelsLastBoundary(model, boundary.inputs, [H, W, C], undefined)).toMatchObject({ moved: false, shape: [H, W, C] });
    expect(channelsLastBoundary(model, inputs, [C, H, W], 'none')).toBeNull();
    const x = tf.tensor(inputs, [count, C, H, W]);
    const own = await explain(model, x, { method: 'occlusion', target: labels });
    const across = boundary.fromModel(await coreExplainer(model, { method: 'occlusion' })(boundary.toModel(boundary.inputs), count, labels));
    expect(Array.from(across)).toEqual(Array.from(toChannelsLast(own.relevance.dataSync() as Float32Array, [C, H, W])));
    own.dispose();
    x.dispose();
  });

  it('gives one table whether the samples come channels-first or channels-last, occlusion and randomisation included', async () => {
    const run = (samples: Float32Array, shape: number[]) => runBenchmark({
      model, samples: { inputs: samples, shape, labels }, methods: ['gradient', 'occlusion', { method: 'lrp', options: { composite: 'epsilon_plus' } }],
      metrics: [{ name: 'pixel_flipping', options: { steps: 8 } }, 'sparseness', { name: 'model_randomisation', options: { maxLayers: 2 } }], seed: 4,
    });
    const first = await run(inputs, [C, H, W]);
    const before = tf.memory().numTensors; // after the first run: the model's ops keep their rules' kernels
    const last = await run(toChannelsLast(inputs, [C, H, W]), [H, W, C]);
    expect(tf.memory().numTensors).toBe(before);
    for (const row of first.table) expect(row.error).toBeUndefined();
    expect(first.table).toEqual(last.table);
    expect(first.samples.shape).toEqual([H, W, C]);
    expect(first.curves.find((c) => c.metric === 'model_randomisation')!.labels).toEqual(['fc', 'conv2']);
  });

  it('takes core’s channels-last view as a channels-last model (gradient-based methods agree with the model itself)', async () => {
    const view = model.channelsLastView();
    try {
      expect(isChannelsLastView(view)).toBe(true);
      expect(isChannelsLastView(model)).toBe(false);
      expect(channelsLastBoundary(view, toChannelsLast(inputs, [C, H, W]), [H, W, C], undefined)).toBeNull();
      const options = { samples: { inputs: toChannelsLast(inputs, [C, H, W]), shape: [H, W, C], labels }, methods: ['gradient'], metrics: ['sparseness', { name: 'pixel_flipping', options: { steps: 8 } }], seed: 4 };
      const viaView = await runBenchmark({ model: view, ...options });
      const direct = await runBenchmark({ model, ...options });
      expect(viaView.table).toEqual(direct.table);
    } finally {
      view.dispose();
    }
  });
});
