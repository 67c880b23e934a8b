/**
 * Model parameter randomisation on an ONNX model (built here with core's ONNX test builder): the
 * graph's linear nodes are re-initialised from the top on edited copies that share the other
 * nodes, the original model is left as it was, and nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, loadModel, XaiModel } from '@xai/core';
import {
  coreExplainer, editedModel, explanationSimilarity, modelParameterRandomisation, modelPredictor, randomisableNodes, reinitialisedParams, withLinearParams,
} from '../src/index.js';
import { mean } from './helpers.js';
import { ONNX_CNN_SHAPE, onnxCnn } from './onnx-models.js';

const [C, H, W] = ONNX_CNN_SHAPE;
const size = C * H * W;

let model: XaiModel;
const count = 4;
const inputs = Float32Array.from({ length: count * size }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37) * Math.cos(i * 0.11));
const shape = [C, H, W];
// Channels-first samples: compare every element (a channels-last pooling would sum over W).
const samples = { inputs, shape, targets: [0, 1, 2, 0], channels: 'none' as const };
const lrp = { method: 'lrp', options: { composite: 'epsilon_plus' } } as const;

const logits = async (m: XaiModel) => Float32Array.from(await modelPredictor(m)(inputs, count));

beforeAll(async () => {
  await initBackend();
  model = await loadModel(onnxCnn(), { label: 'cnn.onnx' });
});
afterAll(() => model.dispose());

describe('model parameter randomisation on an ONNX model', () => {
  it('lists the graph’s linear nodes (BatchNorm merged into conv1) and refuses editedModel, which needs a LayersModel', async () => {
    expect(randomisableNodes(model)).toEqual(['conv1', 'conv2', 'fc']);
    await expect(editedModel(model, () => {})).rejects.toThrow("'cnn.onnx' is an ONNX model: it has no tfjs LayersModel to edit");
    const keras = XaiModel.fromLayersModel(tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] }), {}, 'dense');
    expect(() => withLinearParams(keras, () => null)).toThrow(InvalidArgumentError);
    keras.dispose();
  });

  it('an unedited copy explains identically, and disposing it leaves the model whole', async () => {
    const copy = withLinearParams(model, () => null);
    const a = await coreExplainer(model, lrp)(inputs, count, samples.targets);
    const b = await coreExplainer(copy, lrp)(inputs, count, samples.targets);
    copy.dispose();
    for (let i = 0; i < count; i++) {
      const s = (v: Float32Array) => v.subarray(i * size, (i + 1) * size);
      expect(explanationSimilarity(s(a), s(b), shape, { channels: 'none' })).toBeCloseTo(1, 6);
    }
    const again = await coreExplainer(model, lrp)(inputs, count, samples.targets);
    expect(Array.from(again)).toEqual(Array.from(a));
  });

  it('cascading from the top lowers the similarity; the original keeps its weights; seeded; no tensor left behind', async () => {
    const before = await logits(model);
    const run = () => modelParameterRandomisation(model, (m) => coreExplainer(m, { method: 'gradient' }), samples, { seed: 1 });
    const r = await run();
    expect(r.layers).toEqual(['fc', 'conv2', 'conv1']);
    const last = r.similarities.map((s) => s[s.length - 1]!);
    expect(mean(last)).toBeLessThan(0.5);
    const tensors = tf.memory().numTensors;
    const again = await run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(again.similarities).toEqual(r.similarities);
    expect(Array.from(await logits(model))).toEqual(Array.from(before));
  });

  it('independent steps with LRP: each step below the unrandomised 1', async () => {
    const r = await modelParameterRandomisation(model, (m) => coreExplainer(m, lrp), samples, { mode: 'independent', seed: 2 });
    for (const row of r.similarities) row.forEach((s) => expect(s).toBeLessThan(0.99));
  });

  it('re-initialisation: Glorot-uniform seeded per node, bias zero, the grouped conv keeps its block structure', () => {
    const conv2 = model.linearNodes().find((n) => n.name === 'conv2')!;
    const a = reinitialisedParams(conv2, 9);
    const b = reinitialisedParams(conv2, 9);
    try {
      const k = a.kernel.dataSync();
      expect(Array.from(k)).toEqual(Array.from(b.kernel.dataSync()));
      expect(a.kernel.shape).toEqual(conv2.op.kernel.shape); // [3, 3, 4, 4], channels-last, block-diagonal over the 2 groups
      const [kh, kw, cin, cout] = a.kernel.shape as number[];
      const limit = Math.sqrt(6 / (kh! * kw! * (cin! + cout!)));
      expect(Math.max(...Array.from(k, Math.abs))).toBeLessThanOrEqual(limit);
      const original = conv2.op.kernel.dataSync();
      for (let i = 0; i < k.length; i++) expect(k[i] === 0).toBe(original[i] === 0);
      expect(Array.from(k).filter((v) => v === 0).length).toBe(k.length / 2);
      expect(Array.from(a.bias!.dataSync()).every((v) => v === 0)).toBe(true);
    } finally {
      tf.dispose([a.kernel, a.bias!, b.kernel, b.bias!]);
    }
  });
});
