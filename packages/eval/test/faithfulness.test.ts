/**
 * Faithfulness metrics on analytic models (plain predict functions): a linear model
 * f(x) = w·x whose exact attribution is w ⊙ x makes every curve computable by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  faithfulnessCorrelation, gridRegions, layoutOf, pixelFlipping, replacementValues, seededRandom, selectivity, selectRegions, wordDeletion,
} from '../src/index.js';
import { counting, linearPredict, uniform } from './helpers.js';

const w = [4, 3, 2, 1];
const x = Float32Array.from([1, 1, 1, 1]);
const data = { inputs: x, relevance: Float32Array.from(w), shape: [4], targets: [0] };
const zero = { kind: 'constant', value: 0 } as const;

describe('pixel flipping / region perturbation', () => {
  it('AOPC by hand: MoRF 10 → 6 → 3 → 1 → 0 gives (0+4+7+9+10)/5 = 6; LeRF 10 → 9 → 7 → 4 → 0 gives 4', async () => {
    const morf = await pixelFlipping(linearPredict(w), data, { regionSize: 1, steps: 4, perturbation: zero });
    expect(morf.curves[0]).toEqual([10, 6, 3, 1, 0]);
    expect(morf.aopc[0]).toBeCloseTo(6, 12);
    const lerf = await pixelFlipping(linearPredict(w), data, { regionSize: 1, steps: 4, perturbation: zero, order: 'lerf' });
    expect(lerf.curves[0]).toEqual([10, 9, 7, 4, 0]);
    expect(lerf.aopc[0]).toBeCloseTo(4, 12);
  });

  it('L counts the steps: two steps give (0 + 4 + 7)/3; regions of 2 give (0 + 7 + 10)/3', async () => {
    expect((await pixelFlipping(linearPredict(w), data, { regionSize: 1, steps: 2, perturbation: zero })).aopc[0]).toBeCloseTo(11 / 3, 12);
    const r2 = await pixelFlipping(linearPredict(w), data, { regionSize: 2, steps: 10, perturbation: zero });
    expect(r2.curves[0]).toEqual([10, 3, 0]);
    expect(r2.regions).toEqual([2]);
    expect(r2.aopc[0]).toBeCloseTo(17 / 3, 12);
  });

  it('greedy windows: LeRF takes [2,3] then skips the overlapping [1,2] and takes [0,1]', async () => {
    const r = await pixelFlipping(linearPredict(w), data, { regionSize: 2, selection: 'greedy', steps: 5, perturbation: zero, order: 'lerf' });
    expect(r.regions).toEqual([2]);
    expect(r.curves[0]).toEqual([10, 7, 0]);
  });

  it('samples that run out of regions are padded with their last value (AOPC over a common L)', async () => {
    // Greedy windows of 2 on 4 positions: [4, 3, 2, 1] yields [0,1] and [2,3]; [0, 5, 5, 0] yields
    // only [1,2] (both other windows overlap it), so its curve stays at its last value.
    const two = { inputs: new Float32Array(8).fill(1), relevance: Float32Array.from([4, 3, 2, 1, 0, 5, 5, 0]), shape: [4], targets: [0, 0] };
    const r = await pixelFlipping(linearPredict(w), two, { regionSize: 2, selection: 'greedy', steps: 9, perturbation: zero });
    expect(r.regions).toEqual([2, 1]);
    expect(r.curves).toEqual([[10, 3, 0], [10, 5, 5]]);
    expect(r.aopc[1]).toBeCloseTo(10 / 3, 12);
    const grid2d = { inputs: new Float32Array(9).fill(1), relevance: Float32Array.from([0, 0, 0, 0, 5, 0, 0, 0, 0]), shape: [3, 3], targets: [0] };
    const g = await pixelFlipping(linearPredict(new Array(9).fill(1)), grid2d, { regionSize: 2, selection: 'greedy', steps: 4, perturbation: zero });
    expect(g.regions).toEqual([1]); // every 2×2 window holds the centre
    expect(g.curves[0]).toEqual([9, 5]);
  });

  it('every perturbed input goes through the model in batches; the batch size does not change the result', async () => {
    const a = counting(linearPredict(w));
    const progress: number[] = [];
    const options = { regionSize: 1, steps: 4, perturbation: { kind: 'uniform', low: 0, high: 1 } as const, randomRepeats: 3, seed: 5 };
    const batched = await pixelFlipping(a.predict, data, { ...options, batchSize: 8, onProgress: (p) => progress.push(p.done) });
    expect(a.calls).toEqual([8, 8, 4]); // (1 MoRF + 3 random orders) × 5 rows
    expect(progress).toEqual([8, 16, 20]);
    const single = await pixelFlipping(linearPredict(w), data, { ...options, batchSize: 1 });
    expect(single).toEqual(batched);
  });

  it('random orders are seeded: same seed, same AOPC; MoRF beats random on the linear model', async () => {
    const x16 = uniform(16, 3, 0, 1);
    const w16 = Array.from(uniform(16, 4));
    const d = { inputs: x16, relevance: x16.map((v, i) => v * w16[i]!), shape: [16], targets: [0] };
    const opts = { regionSize: 1, steps: 16, perturbation: zero, randomRepeats: 4 };
    const a = await pixelFlipping(linearPredict(w16), d, { ...opts, seed: 1 });
    const b = await pixelFlipping(linearPredict(w16), d, { ...opts, seed: 1 });
    const c = await pixelFlipping(linearPredict(w16), d, { ...opts, seed: 2 });
    expect(a.aopcRandom).toEqual(b.aopcRandom);
    expect(a.aopcRandom).not.toEqual(c.aopcRandom);
    expect(a.aopc[0]!).toBeGreaterThan(a.aopcRandom![0]!);
  });
});

describe('regions and perturbations', () => {
  it('grid tiles are clipped at the far border', () => {
    expect(gridRegions([3, 3], 2).map((r) => Array.from(r))).toEqual([[0, 1, 3, 4], [2, 5], [6, 7], [8]]);
  });
  it('greedy selection skips overlapping windows', () => {
    const map = [0, 0, 0, 0, 5, 0, 0, 0, 1];
    const regions = selectRegions(map, [3, 3], { size: 2, selection: 'greedy', order: 'morf', limit: 10 });
    expect(regions.map((r) => Array.from(r))).toEqual([[4, 5, 7, 8]]);
  });
  it('uniform noise stays in range; mean is per channel; blur keeps a constant image', () => {
    const layout = layoutOf([2, 2, 2]);
    const xs = [0, 10, 2, 10, 4, 10, 6, 10];
    const u = replacementValues(xs, layout, { kind: 'uniform' }, seededRandom(1));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThanOrEqual(10);
    expect(Array.from(replacementValues(xs, layout, { kind: 'mean' }, seededRandom(1)))).toEqual([3, 10, 3, 10, 3, 10, 3, 10]);
    const blurred = replacementValues(new Array(8).fill(0.5), layout, { kind: 'blur', sigma: 1 }, seededRandom(1));
    blurred.forEach((v) => expect(v).toBeCloseTo(0.5, 6));
  });
});

describe('selectivity', () => {
  it('area under the removal curve: mean of 10, 6, 3, 1, 0 = 4 (= f(x⁰) − AOPC)', async () => {
    const r = await selectivity(linearPredict(w), data, { regionSize: 1, steps: 4 });
    expect(r.curves[0]).toEqual([10, 6, 3, 1, 0]);
    expect(r.auc[0]).toBeCloseTo(4, 12);
  });
});

describe('faithfulness correlation', () => {
  const n = 12;
  const xs = uniform(n, 8, 0.5, 1.5);
  const ws = Array.from(uniform(n, 9));
  const exact = xs.map((v, i) => v * ws[i]!);
  it('exact attribution of a linear model with baseline 0 correlates perfectly; its negation anti-correlates', async () => {
    const base = { inputs: xs, shape: [n], targets: [0] };
    const good = await faithfulnessCorrelation(linearPredict(ws), { ...base, relevance: exact }, { subsetSize: 4, runs: 30 });
    expect(good.scores[0]).toBeCloseTo(1, 5);
    const bad = await faithfulnessCorrelation(linearPredict(ws), { ...base, relevance: exact.map((v) => -v) }, { subsetSize: 4, runs: 30 });
    expect(bad.scores[0]).toBeCloseTo(-1, 5);
    const noise = await faithfulnessCorrelation(linearPredict(ws), { ...base, relevance: uniform(n, 10) }, { subsetSize: 4, runs: 30 });
    expect(Math.abs(noise.scores[0]!)).toBeLessThan(0.9);
  });
});

describe('word deletion', () => {
  // Four one-dimensional "word embeddings", all 1; class 0 iff 3·x0 + 0.5·x1 + 0.2·x2 + 0.1·x3 > 2.
  const words = linearPredict([3, 0.5, 0.2, 0.1], -2);
  const sentence = { inputs: Float32Array.from([1, 1, 1, 1]), relevance: Float32Array.from([3, 0.5, 0.2, 0.1]), shape: [4], targets: [0] };
  it('MoRF deletes the decisive word first: accuracy 1, 0, 0, 0, 0', async () => {
    const r = await wordDeletion(words, sentence, { steps: 4 });
    expect(r.curves[0]).toEqual([1, 0, 0, 0, 0]);
    expect(r.scores[0]).toBe(0);
  });
  it('LeRF deletes it last: 1, 1, 1, 1, 0; the paper runs LeRF on misclassified samples only', async () => {
    const all = await wordDeletion(words, sentence, { steps: 4, order: 'lerf', only: 'all' });
    expect(all.curves[0]).toEqual([1, 1, 1, 1, 0]);
    expect(all.scores[0]).toBe(0.75);
    expect((await wordDeletion(words, sentence, { steps: 4, order: 'lerf' })).scores[0]).toBeNaN();
  });
  it('a word is an index along the first axis: [T, D] embeddings are deleted whole', async () => {
    const emb = { inputs: Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1]), relevance: Float32Array.from([2, 1, 0.3, 0.2, 0.1, 0.1, 0, 0.1]), shape: [4, 2], targets: [0] };
    const r = await wordDeletion(linearPredict([1.5, 1.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1], -2.5), emb, { steps: 2 });
    expect(r.curves[0]).toEqual([1, 0, 0]);
  });
});
