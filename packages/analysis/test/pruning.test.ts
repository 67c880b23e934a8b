import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, modelSaveHandler, mulberry32, XaiModel } from '@xai/core';
import { accuracy, convLayers, filterScores, plotPruningCurves, prunedCopy, pruneIteratively, zeroFilters, type ReferenceSet } from '../src/index.js';

/**
 * 6×6×1 → conv (3 filters, ReLU) → BatchNorm → flatten → dense (2). The dense layer reads nothing of
 * filter 2 (its weights there are zero) although filter 2 has by far the largest kernel.
 */
function tinyCnn(): tf.LayersModel {
  const rand = mulberry32(3);
  const model = tf.sequential({
    name: 'tiny',
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 2, name: 'out' }),
    ],
  });
  const set = (name: string, values: Float32Array[]) => {
    const layer = model.getLayer(name);
    const tensors = layer.getWeights().map((w, i) => tf.tensor(values[i]!, w.shape));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  };
  // Kernel [3,3,1,3]: filter 2 = 3 everywhere, filters 0 and 1 small and signed.
  set('conv', [Float32Array.from({ length: 27 }, (_, i) => (i % 3 === 2 ? 3 : rand() - 0.4)), Float32Array.of(0.05, 0.05, 0.1)]);
  // γ, β, moving mean, moving variance: the mean is not zero, so a zeroed filter would leave a constant without γ = β = 0.
  set('bn', [Float32Array.of(1.2, 0.8, 1), Float32Array.of(0.1, -0.1, 0.3), Float32Array.of(0.2, 0.1, 0.5), Float32Array.of(1, 2, 1)]);
  set('out', [Float32Array.from({ length: 108 * 2 }, (_, i) => (Math.floor(i / 2) % 3 === 2 ? 0 : rand() * 2 - 1)), Float32Array.of(0, 0)]);
  return model;
}

describe('relevance-based pruning', () => {
  let source: tf.LayersModel;
  let reference: ReferenceSet;
  let test: ReferenceSet;
  beforeAll(async () => {
    await initBackend();
    source = tinyCnn();
    const rand = mulberry32(8);
    const make = (n: number): ReferenceSet => {
      const inputs = tf.tensor4d(Float32Array.from({ length: n * 36 }, () => rand()), [n, 6, 6, 1]);
      // Labels: the unpruned model's own predictions (accuracy 1 before pruning).
      const labels = tf.tidy(() => Array.from((source.predict(inputs) as tf.Tensor).argMax(-1).dataSync()));
      return { inputs, labels };
    };
    reference = make(24);
    test = make(60);
  });
  afterAll(() => {
    tf.dispose([reference.inputs, test.inputs]);
    source.dispose();
  });

  it('scores the unused filter zero by relevance and Taylor, highest by magnitude', () => {
    const view = XaiModel.fromLayersModel(source, {}, 'tiny');
    expect(convLayers(source)).toEqual([{ layer: 'conv', filters: 3 }]);
    const relevance = filterScores(view, 'relevance', reference)[0]!.scores;
    const taylor = filterScores(view, 'taylor', reference)[0]!.scores;
    const magnitude = filterScores(view, 'magnitude', null)[0]!.scores;
    expect(relevance[2]).toBe(0);
    expect(taylor[2]).toBe(0);
    expect(Math.abs(relevance[0]!) + Math.abs(relevance[1]!)).toBeGreaterThan(0);
    expect(taylor[0]! + taylor[1]!).toBeGreaterThan(0);
    expect(magnitude[2]).toBeCloseTo(27, 4);
    expect(magnitude[2]).toBeGreaterThan(Math.max(magnitude[0]!, magnitude[1]!));
    expect(() => filterScores(view, 'relevance', null)).toThrow(/needs a reference set/);
  });

  it('zeroing a filter zeroes its channel after the BatchNorm too', () => {
    const copy = tinyCnn();
    zeroFilters(copy, 'conv', [1]);
    const probe = tf.model({ inputs: copy.inputs, outputs: copy.getLayer('bn').output as tf.SymbolicTensor });
    const out = tf.tidy(() => (probe.predict(test.inputs) as tf.Tensor).arraySync() as number[][][][]);
    const channel = out.flat(3).filter((_, i) => i % 3 === 1);
    expect(channel.every((v) => v === 0)).toBe(true);
    expect(out.flat(3).filter((_, i) => i % 3 === 0).some((v) => v !== 0)).toBe(true);
    expect(() => zeroFilters(copy, 'conv', [3])).toThrow(/'conv' has 3 filters; cannot prune filter 3/);
    expect(() => zeroFilters(copy, 'out', [0])).toThrow(/no convolution layer 'out'; its convolutions are conv/);
    copy.dispose();
  });

  it('relevance prunes the unused filter first (accuracy kept), magnitude keeps it to the end; no tensors left behind', async () => {
    const before = tf.memory().numTensors;
    const byRelevance = await pruneIteratively(source, { criterion: 'relevance', reference, test, filtersPerStep: 1 });
    const byMagnitude = await pruneIteratively(source, { criterion: 'magnitude', test, filtersPerStep: 1 });
    const byTaylor = await pruneIteratively(source, { criterion: 'taylor', reference, test, filtersPerStep: 1 });
    // 90% of 3 filters, one kept per layer: two steps.
    for (const r of [byRelevance, byMagnitude, byTaylor]) {
      expect(r.totalFilters).toBe(3);
      expect(r.steps.map((s) => s.pruned)).toEqual([0, 1, 2]);
      expect(r.steps[0]!.accuracy).toBe(1);
    }
    expect(byRelevance.order[0]).toEqual({ layer: 'conv', filter: 2 });
    expect(byTaylor.order[0]).toEqual({ layer: 'conv', filter: 2 });
    expect(byRelevance.steps[1]!.accuracy).toBe(1);
    expect(byMagnitude.order.map((f) => f.filter)).not.toContain(2);
    expect(byMagnitude.steps[2]!.accuracy).toBeLessThan(1);
    // The source is untouched.
    expect(accuracy(source, test)).toBe(1);

    const png = plotPruningCurves([byRelevance, byTaylor, byMagnitude], { title: 'tiny', reference: { value: 0.95, label: '-5 points' } });
    expect(Array.from(png.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]);

    [byRelevance, byMagnitude, byTaylor].forEach((r) => r.model.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the pruned model saves as model.json + weights.bin and reloads with the same predictions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xai-pruned-'));
    const pruned = await pruneIteratively(source, { criterion: 'relevance', reference, test, filtersPerStep: 1, maxShare: 0.34 });
    try {
      expect(pruned.order).toEqual([{ layer: 'conv', filter: 2 }]);
      await pruned.model.save(modelSaveHandler(dir));
      const reloaded = await loadModel(dir, { workers: false });
      try {
        const [a, b] = tf.tidy(() => [(pruned.model.predict(test.inputs) as tf.Tensor).arraySync(), (reloaded.layersModel.predict(test.inputs) as tf.Tensor).arraySync()]);
        expect(b).toEqual(a);
        // prunedCopy rebuilds the same model from the pruning order.
        const copy = await prunedCopy(source, pruned.order);
        expect(tf.tidy(() => (copy.predict(test.inputs) as tf.Tensor).arraySync())).toEqual(a);
        copy.dispose();
        const kernel = reloaded.layersModel.getLayer('conv').getWeights()[0]!.arraySync() as number[][][][];
        expect(kernel.flat(3).filter((_, i) => i % 3 === 2).every((v) => v === 0)).toBe(true);
      } finally {
        reloaded.dispose();
      }
    } finally {
      pruned.model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ranks filters of several layers together and leaves every layer a filter', async () => {
    const rand = mulberry32(5);
    const two = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu', name: 'c1' }),
        tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', name: 'c2' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, name: 'head' }),
      ],
    });
    for (const layer of two.layers) {
      const ws = layer.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rand() - 0.3), w.shape));
      layer.setWeights(ws);
      tf.dispose(ws);
    }
    for (const criterion of ['relevance', 'magnitude'] as const) {
      const r = await pruneIteratively(two, { criterion, reference, test, filtersPerStep: 1, maxShare: 1 });
      // 5 filters, 2 layers: at most 3 can go.
      expect(r.order).toHaveLength(3);
      expect(r.order.filter((f) => f.layer === 'c1').length).toBeLessThanOrEqual(1);
      expect(r.order.filter((f) => f.layer === 'c2').length).toBeLessThanOrEqual(2);
      expect(new Set(r.order.map((f) => `${f.layer}#${f.filter}`)).size).toBe(3);
      r.model.dispose();
    }
    two.dispose();
  });
});
