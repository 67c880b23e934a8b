/** Spearman, Pearson and SSIM against values computed with scipy 1.17 (snippets in the comments). */
import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, spearman, ssim, summarise, topK } from '../src/index.js';

describe('rank statistics', () => {
  it('Spearman matches scipy.stats.spearmanr', () => {
    // spearmanr([1,2,3,4,5], [5,6,7,8,7]).statistic
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
    // with ties on both sides: spearmanr([1,2,2,3,10,4], [3,1,2,2,5,0]).statistic
    expect(spearman([1, 2, 2, 3, 10, 4], [3, 1, 2, 2, 5, 0])).toBeCloseTo(0.014705882352941178, 12);
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
  });
  it('Spearman is NaN for a constant side', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
  it('average ranks share ties', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });
  it('Pearson matches scipy.stats.pearsonr', () => {
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 7])).toBeCloseTo(0.8241633836921339, 12);
  });
  it('topK: largest first, ties to the lower index', () => {
    expect(topK([1, 3, 3, 2], 3)).toEqual([1, 2, 3]);
  });
  it('summary: mean, standard error, NaN left out', () => {
    const s = summarise([1, 2, 3, NaN]);
    expect(s.mean).toBe(2);
    expect(s.n).toBe(3);
    expect(s.stderr).toBeCloseTo(1 / Math.sqrt(3), 12);
  });
});

describe('SSIM', () => {
  const grid = [16, 16];
  const a = Float64Array.from({ length: 256 }, (_, p) => {
    const [i, j] = [Math.floor(p / 16), p % 16];
    return Math.sin(0.3 * i) * Math.cos(0.2 * j) + (0.1 * (i + j)) / 30;
  });
  const b = a.map((v, p) => v + 0.3 * Math.sin(1.7 * Math.floor(p / 16) + 0.9 * (p % 16)));

  it('identical maps: 1', () => {
    expect(ssim(a, a, grid, { dataRange: 2 })).toBeCloseTo(1, 12);
  });

  it('matches scikit-image structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=2)', () => {
    // numpy/scipy: f = gaussian_filter(·, sigma=1.5, truncate=3.5, mode='reflect'); S per pixel from
    // f(x), f(y), f(x²), f(y²), f(xy); mean of S[5:-5, 5:-5]  →  0.6676173406590062
    expect(ssim(a, b, grid, { dataRange: 2 })).toBeCloseTo(0.6676173406590062, 10);
    expect(ssim(b, a, grid, { dataRange: 2 })).toBeCloseTo(0.6676173406590062, 10);
  });

  it('works on 1-D maps (same recipe on x = sin(0.7 t), y = cos(0.4 t), t < 20)', () => {
    const x = Array.from({ length: 20 }, (_, t) => Math.sin(0.7 * t));
    const y = Array.from({ length: 20 }, (_, t) => Math.cos(0.4 * t));
    expect(ssim(x, y, [20], { dataRange: 2 })).toBeCloseTo(0.1413013004457338, 10);
  });

  it('one global window follows the closed form', () => {
    // x = [0, 1, 2, 3], y = [0, 2, 4, 6] (L = 6): μx = 1.5, μy = 3, σx² = 1.25, σy² = 5, σxy = 2.5
    const c1 = (0.01 * 6) ** 2;
    const c2 = (0.03 * 6) ** 2;
    const expected = ((2 * 1.5 * 3 + c1) * (2 * 2.5 + c2)) / ((1.5 ** 2 + 9 + c1) * (1.25 + 5 + c2));
    expect(ssim([0, 1, 2, 3], [0, 2, 4, 6], [4], { window: 'global' })).toBeCloseTo(expected, 12);
  });
});
