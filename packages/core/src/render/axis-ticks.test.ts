import { describe, expect, it } from 'vitest';
import { niceStep, niceTicks } from './axis-ticks.js';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 × 10^k, ends included, without float noise', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.2, 0.8, 5)).toEqual([-0.2, 0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 8000, 4)).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(niceTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  it('takes other step mantissas (2.5) and an empty range', () => {
    expect(niceStep(1, 4, [1, 2, 2.5, 5])).toBe(0.25);
    expect(niceStep(1, 4)).toBe(0.5);
    expect(niceTicks(0, 1, 4, [1, 2, 2.5, 5])).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});
