import { describe, expect, it } from 'vitest';
import { complexity, positivityShare, sparseness } from '../src/index.js';

describe('sparseness (Gini) and complexity (entropy)', () => {
  it('uniform: Gini 0, entropy ln n', () => {
    const u = new Array(8).fill(0.25);
    expect(sparseness(u)).toBeCloseTo(0, 12);
    expect(complexity(u)).toBeCloseTo(Math.log(8), 12);
  });
  it('one non-zero entry: Gini (n − 1)/n, entropy 0; sign does not matter', () => {
    const one = [0, 0, -3, 0, 0];
    expect(sparseness(one)).toBeCloseTo(4 / 5, 12);
    expect(complexity(one)).toBe(0);
  });
  it('hand-computed: |[1, −1, 2]| → Gini (−2·1 + 0·1 + 2·2)/(3·4) = 1/6, entropy of (¼, ¼, ½)', () => {
    expect(sparseness([1, -1, 2])).toBeCloseTo(1 / 6, 12);
    expect(complexity([1, -1, 2])).toBeCloseTo(-(0.25 * Math.log(0.25) * 2 + 0.5 * Math.log(0.5)), 12);
  });
  it('pooling channels first: [[1, −1], [0, 2]] with sum,abs is |[0, 2]|', () => {
    expect(sparseness([1, -1, 0, 2], [2, 2], { pooling: 'sum,abs', channels: 'last' })).toBeCloseTo(0.5, 12);
    expect(complexity([1, -1, 0, 2], [2, 2], { pooling: 'sum,abs', channels: 'last' })).toBe(0);
  });
  it('all-zero relevance is undefined (NaN)', () => {
    expect(sparseness([0, 0])).toBeNaN();
    expect(complexity([0, 0])).toBeNaN();
  });
});

describe('positivity share', () => {
  it('Σ R⁺ / Σ |R| per sample', () => {
    expect(positivityShare([1, -1, 2, 0, 0, 0, 1, 1], 2)).toEqual([3 / 4, 1]);
    expect(positivityShare([0, 0])[0]).toBeNaN();
  });
});
