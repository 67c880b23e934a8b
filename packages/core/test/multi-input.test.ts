/**
 * Multi-input models: propagation methods explain every input in one backward pass; the other
 * methods explain one input at a time with the rest held fixed (explainedInputs).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, InvalidArgumentError, XaiModel, type Progress } from '../src/index.js';

/** image [5, 5, 1] → conv → flatten, vector [3] → dense; concatenated → dense(3). */
function twoInputModel(): XaiModel {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  const image = tf.input({ shape: [5, 5, 1], name: 'image' });
  const vector = tf.input({ shape: [3], name: 'vector' });
  const a = tf.layers.flatten().apply(tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', useBias: false, kernelInitializer: init(7) }).apply(image)) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 4, activation: 'relu', useBias: false, kernelInitializer: init(2) }).apply(vector) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, useBias: false, kernelInitializer: init(3), name: 'answer' }).apply(joined) as tf.SymbolicTensor;
  return XaiModel.fromLayersModel(tf.model({ inputs: [image, vector], outputs: out }));
}

const sum = (t: tf.Tensor) => tf.tidy(() => t.sum().dataSync()[0]!);
const logitOf = (m: XaiModel, inputs: tf.Tensor[], target: number) =>
  tf.tidy(() => (m.layersModel.predict(inputs) as tf.Tensor).slice([0, target], [1, 1]).dataSync()[0]!);

describe('multi-input models', () => {
  let m: XaiModel;
  let image: tf.Tensor;
  let vector: tf.Tensor;

  beforeAll(async () => {
    await initBackend();
    m = twoInputModel();
    image = tf.randomUniform([1, 5, 5, 1], 0, 1, 'float32', 11);
    vector = tf.randomUniform([1, 3], 0, 1, 'float32', 12);
  });

  it('LRP gives relevance for both inputs from one backward pass, conserving the logit across them', async () => {
    const r = await explain(m, [image, vector], { method: 'lrp', rule: 'epsilon', epsilon: 1e-9, target: 1 });
    expect(r.relevances.map((t) => t.shape)).toEqual([[1, 5, 5, 1], [1, 3]]);
    const total = sum(r.relevances[0]!) + sum(r.relevances[1]!);
    expect(total).toBeCloseTo(logitOf(m, [image, vector], 1), 4);
    expect(Math.abs(sum(r.relevances[0]!))).toBeGreaterThan(1e-4);
    expect(Math.abs(sum(r.relevances[1]!))).toBeGreaterThan(1e-4);
    expect(r.options.explainedInputs).toEqual(['image', 'vector']);
    r.dispose();
  });

  it('integrated gradients explains each input with the other held: Σ R_k ≈ f(x) − f(x with input k at the baseline)', async () => {
    const r = await explain(m, [image, vector], { method: 'integrated_gradients', steps: 32, riemann: 'gauss_legendre', target: 2 });
    const f = logitOf(m, [image, vector], 2);
    const withoutImage = logitOf(m, [tf.zerosLike(image), vector], 2);
    const withoutVector = logitOf(m, [image, tf.zerosLike(vector)], 2);
    expect(sum(r.relevances[0]!)).toBeCloseTo(f - withoutImage, 4);
    expect(sum(r.relevances[1]!)).toBeCloseTo(f - withoutVector, 4);
    expect(r.targets).toEqual([2]);
    r.dispose();
  });

  it('occlusion of the image alone: one-pixel windows give f(x) − f(x without that pixel); the vector gets zeros', async () => {
    const r = await explain(m, [image, vector], { method: 'occlusion', window: 1, stride: 1, fill: 0, target: 0, explainedInputs: ['image'] });
    const rImage = r.relevances[0]!.dataSync();
    const f = logitOf(m, [image, vector], 0);
    for (const [row, col] of [[0, 0], [2, 3], [4, 4]] as const) {
      const mask = tf.tidy(() => tf.scatterND([[0, row, col, 0]], [1], [1, 5, 5, 1]));
      const occluded = tf.tidy(() => tf.mul(image, tf.sub(1, mask)));
      expect(rImage[row * 5 + col]!).toBeCloseTo(f - logitOf(m, [occluded, vector], 0), 5);
      tf.dispose([mask, occluded]);
    }
    expect(Array.from(r.relevances[1]!.dataSync())).toEqual([0, 0, 0]);
    expect(r.options.explainedInputs).toEqual(['image']);
    r.dispose();
  });

  it('a batch is explained sample by sample: each sample equals its explanation alone, with its own arg-max target', async () => {
    const images = tf.concat([image, tf.randomUniform([1, 5, 5, 1], 0, 1, 'float32', 13)]);
    const vectors = tf.concat([vector, tf.randomUniform([1, 3], 0, 1, 'float32', 14)]);
    const both = await explain(m, [images, vectors], { method: 'smoothgrad', noiseLevel: 0.1, samples: 4, seed: 3 });
    const second = await explain(m, [images.slice(1, 1), vectors.slice(1, 1)], { method: 'smoothgrad', noiseLevel: 0.1, samples: 4, seed: 3 });
    expect(both.targets[1]).toBe(second.targets[0]);
    const a = both.relevances[1]!.slice(1, 1).dataSync();
    Array.from(second.relevances[1]!.dataSync()).forEach((v, i) => expect(a[i]!).toBeCloseTo(v, 5));
    tf.dispose([images, vectors]);
    both.dispose();
    second.dispose();
  });

  it('reports progress over every part and ends at the total', async () => {
    const seen: Progress[] = [];
    const r = await explain(m, [image, vector], { method: 'integrated_gradients', steps: 8, batchSize: 2, onProgress: (p) => seen.push(p) });
    const totals = new Set(seen.map((p) => p.total));
    expect(totals.size).toBe(1);
    expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThan(seen[i - 1]!.done);
    r.dispose();
  });

  it('names the inputs when explainedInputs asks for one the model does not have', async () => {
    await expect(explain(m, [image, vector], { method: 'occlusion', explainedInputs: ['question'] }))
      .rejects.toThrow(/no input "question"; its inputs are 0 'image', 1 'vector'/);
    await expect(explain(m, [image, vector], { method: 'occlusion', explainedInputs: [] })).rejects.toThrow(InvalidArgumentError);
  });

  it('repeated explanations of a multi-input model leave no tensors behind', async () => {
    const run = async () => (await explain(m, [image, vector], { method: 'integrated_gradients', steps: 4, explainedInputs: [0, 'vector'], target: 1 })).dispose();
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
