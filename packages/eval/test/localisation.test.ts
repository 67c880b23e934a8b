import { InvalidArgumentError } from '@xai/core';
import { describe, expect, it } from 'vitest';
import { attributionLocalisation, EmptyMaskError, pointingGame, relevanceMassAccuracy, relevanceRankAccuracy, topKIntersection } from '../src/index.js';

// 3×3 single-channel map; its maximum (5) sits at (2, 2).
const r = [1, 0, 0, 0, 2, 0, 0, 0, 5];

describe('pointing game', () => {
  it('an empty mask is an error, not a hit', () => {
    expect(() => pointingGame(r, new Array(9).fill(0), [3, 3], { sample: 7 })).toThrow(EmptyMaskError);
    expect(() => pointingGame(r, new Array(9).fill(0), [3, 3], { sample: 7 })).toThrow(/sample 7 is empty/);
  });
  it('hit on the mask, miss beside it; the tolerance is a Euclidean distance in positions', () => {
    const onMax = [0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(pointingGame(r, onMax, [3, 3]).hit).toBe(true);
    const diagonal = [0, 0, 0, 0, 1, 0, 0, 0, 0]; // (1, 1): √2 from the maximum
    const miss = pointingGame(r, diagonal, [3, 3]);
    expect(miss.hit).toBe(false);
    expect(miss.distance).toBeCloseTo(Math.SQRT2, 12);
    expect(pointingGame(r, diagonal, [3, 3], { tolerance: 1 }).hit).toBe(false);
    expect(pointingGame(r, diagonal, [3, 3], { tolerance: 1.5 }).hit).toBe(true);
  });
  it('the maximum of the signed channel sum, ties to the first position', () => {
    // two channels: position 0 sums to 3 − 3 = 0, position 1 to 1; max-norm would pick position 0.
    expect(pointingGame([3, -3, 1, 0], [0, 1], [2, 2], { channels: 'last' }).hit).toBe(true);
    expect(pointingGame([3, -3, 1, 0], [0, 1], [2, 2], { channels: 'last', pooling: 'max-norm' }).hit).toBe(false);
    expect(pointingGame([1, 1], [1, 0], [2]).position).toBe(0);
  });
  it('a mask that does not fit the relevance is named', () => {
    expect(() => pointingGame(r, [1, 0], [3, 3])).toThrow(InvalidArgumentError);
  });
});

describe('mass, rank, top-k and attribution localisation (hand-computed)', () => {
  const mask = [1, 1, 0, 0, 0, 0, 0, 0, 0]; // first two positions: relevance 1 and 0 of 8
  it('mass accuracy 1/8; rank accuracy: top-2 = {8, 4} ∩ mask = 0', () => {
    expect(relevanceMassAccuracy(r, mask, [3, 3])).toBeCloseTo(1 / 8, 12);
    expect(relevanceRankAccuracy(r, mask, [3, 3])).toBe(0);
    expect(relevanceRankAccuracy(r, [1, 0, 0, 0, 1, 0, 0, 0, 0], [3, 3])).toBe(0.5);
  });
  it('negative relevance: sum,pos drops it, sum,abs keeps it', () => {
    const signed = [-2, 1, 1, 0];
    expect(relevanceMassAccuracy(signed, [1, 0, 0, 0], [2, 2], { pooling: 'sum,pos' })).toBe(0);
    expect(relevanceMassAccuracy(signed, [1, 0, 0, 0], [2, 2], { pooling: 'sum,abs' })).toBeCloseTo(0.5, 12);
  });
  it('mass accuracy of an all-zero map is undefined; the signed sum is not a mass pooling', () => {
    expect(relevanceMassAccuracy([0, 0, 0, 0], [1, 0, 0, 0], [2, 2])).toBeNaN();
    expect(() => relevanceMassAccuracy(r, mask, [3, 3], { pooling: 'sum' as never })).toThrow(/pooling must be/);
  });
  it('top-k: k clipped to the positions there are', () => {
    expect(topKIntersection(r, [0, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3], { k: 2 })).toBe(1);
    expect(topKIntersection(r, [0, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3], { k: 1000 })).toBeCloseTo(2 / 9, 12);
  });
  it('attribution localisation: μ = R⁺_in / R⁺_tot, μ_w = μ · S_tot / S_in', () => {
    const map = [1, -1, 2, 0]; // positive total 3
    expect(attributionLocalisation(map, [1, 0, 0, 0], [2, 2])).toBeCloseTo(1 / 3, 12);
    expect(attributionLocalisation(map, [1, 0, 0, 0], [2, 2], { weighted: true })).toBeCloseTo(4 / 3, 12);
    expect(attributionLocalisation([-1, -1, 0, 0], [1, 0, 0, 0], [2, 2])).toBeNaN();
  });
  it('every localisation metric rejects an empty mask', () => {
    const empty = new Array(9).fill(0);
    for (const f of [relevanceMassAccuracy, relevanceRankAccuracy, topKIntersection, attributionLocalisation]) {
      expect(() => f(r, empty, [3, 3])).toThrow(EmptyMaskError);
    }
  });
});
