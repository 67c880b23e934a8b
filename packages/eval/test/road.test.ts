import { describe, expect, it } from 'vitest';
import { layoutOf, neighbourWeights, noisyLinearImputation, removedPositionCount, road, seededRandom } from '../src/index.js';
import { linearPredict } from './helpers.js';

describe('noisy linear imputation (Rong et al. 2022)', () => {
  it('2-D weights: 1/6 for direct neighbours, 1/12 for diagonal ones', () => {
    const { offsets, weights } = neighbourWeights(2);
    offsets.forEach((o, k) => expect(weights[k]).toBeCloseTo(Math.abs(o[0]!) + Math.abs(o[1]!) === 1 ? 1 / 6 : 1 / 12, 12));
    expect(neighbourWeights(1).weights).toEqual([0.5, 0.5]);
  });

  it('one removed pixel takes the weighted mean of its eight neighbours', () => {
    const layout = layoutOf([3, 3], 'none');
    const x = [1, 2, 3, 4, 100, 6, 7, 8, 20]; // not a plane: equal weights would give 51/8
    const removed = [0, 0, 0, 0, 1, 0, 0, 0, 0];
    const expected = (2 + 4 + 6 + 8) / 6 + (1 + 3 + 7 + 20) / 12;
    expect(noisyLinearImputation(x, layout, removed, 0)[4]).toBeCloseTo(expected, 5);
  });

  it('a plane is reproduced exactly inside the image, per channel, with removed neighbours solved jointly', () => {
    const layout = layoutOf([6, 6, 2]);
    const x = Float32Array.from({ length: 72 }, (_, e) => {
      const p = Math.floor(e / 2);
      const [i, j] = [Math.floor(p / 6), p % 6];
      return e % 2 === 0 ? 2 * i + 3 * j + 1 : -i + 0.5 * j;
    });
    const removed = new Uint8Array(36);
    for (const [i, j] of [[2, 2], [2, 3], [3, 2], [3, 3], [1, 2]]) removed[i! * 6 + j!] = 1;
    const out = noisyLinearImputation(x.map((v, e) => (removed[Math.floor(e / 2)] ? 99 : v)), layout, removed, 0);
    out.forEach((v, e) => expect(v).toBeCloseTo(x[e]!, 4));
  });

  it('noise: seeded Gaussian with the given standard deviation on imputed values only', () => {
    const layout = layoutOf([40, 40], 'none');
    const x = new Float32Array(1600).fill(0.5);
    const removed = Uint8Array.from({ length: 1600 }, (_, p) => (p % 2 === 0 ? 1 : 0));
    const a = noisyLinearImputation(x, layout, removed, 0.2, seededRandom(3));
    const b = noisyLinearImputation(x, layout, removed, 0.2, seededRandom(3));
    expect(a).toEqual(b);
    const imputed = Array.from(a).filter((_, p) => removed[p]);
    const mean = imputed.reduce((s, v) => s + v, 0) / imputed.length;
    const sd = Math.sqrt(imputed.reduce((s, v) => s + (v - mean) ** 2, 0) / imputed.length);
    expect(mean).toBeCloseTo(0.5, 1);
    expect(sd).toBeGreaterThan(0.18);
    expect(sd).toBeLessThan(0.22);
    Array.from(a).forEach((v, p) => !removed[p] && expect(v).toBe(0.5));
  });
});

describe('ROAD', () => {
  // 8×8 black image with a bright 2×2 square; class 0 iff the square's sum exceeds 2.
  const square = [27, 28, 35, 36];
  const w = Array.from({ length: 64 }, (_, p) => (square.includes(p) ? 1 : 0));
  const x = Float32Array.from({ length: 64 }, (_, p) => (square.includes(p) ? 1 : 0));
  const data = { inputs: x, relevance: x.map((v, p) => v * w[p]!), shape: [8, 8], targets: [0] };
  const model = linearPredict(w, -2);

  it('MoRF removes the square at the first level (accuracy 0); LeRF keeps it to 90% (accuracy 1)', async () => {
    const morf = await road(model, data, { noise: 0 });
    expect(morf.percentages).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(morf.curves[0]).toEqual(new Array(9).fill(0));
    expect(morf.scores[0]).toBe(0);
    const lerf = await road(model, data, { noise: 0, order: 'lerf' });
    expect(lerf.curves[0]).toEqual(new Array(9).fill(1));
  });

  it("measure 'logit' records the label's logit; levels are whole positions (⌊p·n⌋)", async () => {
    const r = await road(model, data, { noise: 0, measure: 'logit', percentages: [0, 1, 100 * (2 / 64) + 1e-9] });
    expect(r.curves[0]![0]).toBeCloseTo(2, 5); // nothing removed
    expect(r.curves[0]![1]).toBeCloseTo(2, 5); // ⌊0.64⌋ = 0 positions
    expect(r.curves[0]![2]!).toBeLessThan(2); // two square pixels imputed from dark surroundings
  });
});

describe('ROAD removal counts', () => {
  it('p % of n positions removes ⌊p·n/100⌋ positions, with no loss to rounding', () => {
    // (29 / 100) · 100 = 28.999999999999996 in floating point: the old formula removed 28.
    expect(removedPositionCount(29, 100)).toBe(29);
    for (const n of [10, 49, 100, 784, 1024]) {
      for (let p = 0; p <= 100; p++) {
        // Integer arithmetic is exact here: k is the largest count with 100·k ≤ p·n.
        const k = removedPositionCount(p, n);
        expect(100 * k).toBeLessThanOrEqual(p * n);
        expect(100 * (k + 1)).toBeGreaterThan(p * n);
      }
    }
    expect(removedPositionCount(57, 100)).toBe(57);
    expect(removedPositionCount(100, 37)).toBe(37);
  });
});
