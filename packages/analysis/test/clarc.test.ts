import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, lrp, mulberry32, XaiModel } from '@xai/core';
import { augmentativeClarc, conceptDirection, projectiveClarc } from '../src/index.js';

/** input 4 → 'hidden' (Dense 4, relu) → 'logits' (Dense 2); feature 3 is the artefact, which the model reads strongly. */
function artefactModel(): XaiModel {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', units: 4, inputShape: [4], activation: 'relu', weights: [tf.eye(4).mul(2), tf.zeros([4])] }),
      tf.layers.dense({ name: 'logits', units: 2, weights: [tf.tensor2d([[1, 0], [0, 1], [1, 0], [0, 5]]), tf.zeros([2])] }),
    ],
  });
  return XaiModel.fromLayersModel(m);
}

beforeAll(async () => {
  await initBackend();
});

describe('P-ClArC', () => {
  it('the artefact direction is found, and after projection the artefact changes nothing and gets no relevance', () => {
    const rand = mulberry32(3);
    const n = 40;
    const clean = Array.from({ length: n }, () => [rand(), rand(), rand(), 0]);
    const withArtefact = clean.map(([a, b, c]) => [a!, b!, c!, 1]); // same samples, artefact added
    const x = tf.tensor2d([...clean, ...withArtefact]);
    const flags = [...new Array(n).fill(0), ...new Array(n).fill(1)];
    const model = artefactModel();
    const cav = conceptDirection(model, x, flags, 'hidden');
    expect(Array.from(cav.direction).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 0, 0, 1]);
    expect(cav.separation).toBeCloseTo(2, 5);

    const before = (model.layersModel.predict(x) as tf.Tensor).arraySync() as number[][];
    expect(before[n]![1]! - before[0]![1]!).toBeCloseTo(10, 4); // the artefact moves logit 1 by 5·2
    const fixed = projectiveClarc(model, cav);
    const after = (fixed.layersModel.predict(x) as tf.Tensor).arraySync() as number[][];
    for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) expect(after[n + i]![c]!).toBeCloseTo(after[i]![c]!, 5);
    // on clean samples the rewritten model computes what the original does (they sit on the reference plane: h₃ = 0)
    for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) expect(after[i]![c]!).toBeCloseTo(before[i]![c]!, 5);

    const rBefore = lrp(model, x.slice(n, n), { target: 1, composite: 'epsilon_plus' });
    const rAfter = lrp(fixed, x.slice(n, n), { target: 1, composite: 'epsilon_plus' });
    const share = (r: tf.Tensor) => tf.tidy(() => r.slice([0, 3], [-1, 1]).sum().dataSync()[0]! / r.sum().dataSync()[0]!);
    expect(share(rBefore.relevance)).toBeGreaterThan(0.5);
    expect(Math.abs(share(rAfter.relevance))).toBeLessThan(1e-6);
    rBefore.dispose();
    rAfter.dispose();
    x.dispose();
  });

  it('A-ClArC: fine-tuning with the artefact added to every class makes it (almost) no evidence', async () => {
    const rand = mulberry32(5);
    const n = 200;
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const f = [rand(), rand(), rand()];
      const label = f[0]! + f[2]! > f[1]! + 0.5 ? 0 : 1;
      rows.push([...f, label === 1 && rand() < 0.5 ? 1 : 0]); // the artefact rides on half of class 1
      labels.push(label);
    }
    const x = tf.tensor2d(rows);
    const model = artefactModel();
    const cav = conceptDirection(model, x, rows.map((r) => r[3]!), 'hidden');
    const effect = (m: XaiModel) =>
      tf.tidy(() => {
        const probe = tf.tensor2d([[0.5, 0.5, 0.5, 0], [0.5, 0.5, 0.5, 1]]);
        const l = (m.layersModel.predict(probe) as tf.Tensor).arraySync() as number[][];
        return l[1]![1]! - l[1]![0]! - (l[0]![1]! - l[0]![0]!);
      });
    const losses: number[] = [];
    const fixed = await augmentativeClarc(model, cav, x, labels, { epochs: 30, learningRate: 0.05, seed: 1, onEpoch: (_, loss) => void losses.push(loss) });
    expect(effect(model)).toBeCloseTo(10, 4); // the source is untouched
    expect(Math.abs(effect(fixed))).toBeLessThan(2);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    x.dispose();
  });

  it('names the problem: unknown layer, non-vector layer, missing group', () => {
    const model = artefactModel();
    const x = tf.tensor2d([[0, 0, 0, 1], [1, 0, 0, 0]]);
    expect(() => conceptDirection(model, x, [0, 0], 'hidden')).toThrow(/no flagged sample/);
    expect(() => conceptDirection(model, x, [0, 1], 'nope')).toThrow(/no layer or node named 'nope'/);
    const cav = conceptDirection(model, x, [0, 1], 'hidden');
    expect(() => projectiveClarc(model, { ...cav, layer: 'missing' })).toThrow(/no layer 'missing'/);
    x.dispose();
  });
});
