/**
 * The golden values of issue 5, computed independently in numpy. The same map `a` serves the
 * localisation and complexity metrics; the two-channel map checks every CLEVR-XAI pooling.
 */
import { describe, expect, it } from 'vitest';
import {
  aopc, complexity, pointingGame, relevanceMassAccuracy, relevanceRankAccuracy, sparseness, topKIntersection, type ChannelPooling,
} from '../src/index.js';

// a = [[0, .1, .2], [.5, .9, .1], [.3, 0, .4]]; ground truth: the middle row's first two pixels.
const a = [0, 0.1, 0.2, 0.5, 0.9, 0.1, 0.3, 0, 0.4];
const mask = [0, 0, 0, 1, 1, 0, 0, 0, 0];
const shape = [3, 3]; // rank 2: no channel axis

describe('golden values: 3×3 map', () => {
  it('relevance mass accuracy = 0.56', () => {
    expect(relevanceMassAccuracy(a, mask, shape)).toBeCloseTo(0.56, 12);
  });
  it('relevance rank accuracy = 1.0', () => {
    expect(relevanceRankAccuracy(a, mask, shape)).toBe(1);
  });
  it('pointing game: hit', () => {
    const r = pointingGame(a, mask, shape);
    expect(r.hit).toBe(true);
    expect(r.position).toBe(4);
  });
  it('top-3 intersection = 0.6667', () => {
    expect(topKIntersection(a, mask, shape, { k: 3 })).toBeCloseTo(2 / 3, 12);
    expect(topKIntersection(a, mask, shape, { k: 3 }).toFixed(4)).toBe('0.6667');
  });
  it('Gini = 0.524444, entropy = 1.696895', () => {
    expect(sparseness(a)).toBeCloseTo(0.524444, 6);
    expect(complexity(a)).toBeCloseTo(1.696895, 6);
  });
});

describe('golden values: two-channel map', () => {
  // The issue writes the map as [[[1, −2], [0, 3]], [[−1, 1], [2, 0]]]; its numbers are those of
  // the channel-first reading (channel 0 = [[1, −2], [0, 3]], channel 1 = [[−1, 1], [2, 0]]), so
  // pixel (i, j) has channels (c0[i][j], c1[i][j]). Our layout is channels-last, [2, 2, 2]:
  const c0 = [1, -2, 0, 3];
  const c1 = [-1, 1, 2, 0];
  const r = c0.flatMap((v, p) => [v, c1[p]!]);
  const diagonal = [1, 0, 0, 1];
  const hw2 = [2, 2, 2];

  it.each([
    ['sum,abs', 0.5],
    ['sum,pos', 0.6],
    ['l2-norm', 0.5103],
    ['l2-norm,sq', 0.55],
  ] as const)('RMA %s = %d', (pooling, expected) => {
    expect(relevanceMassAccuracy(r, diagonal, hw2, { pooling }).toFixed(4)).toBe(expected.toFixed(4));
  });

  it('RMA max-norm and l1-norm (our own: 4/8 and 5/10)', () => {
    expect(relevanceMassAccuracy(r, diagonal, hw2, { pooling: 'max-norm' })).toBeCloseTo(0.5, 12);
    expect(relevanceMassAccuracy(r, diagonal, hw2, { pooling: 'l1-norm' })).toBeCloseTo(0.5, 12);
  });

  it.each(['sum,abs', 'sum,pos', 'max-norm', 'l1-norm', 'l2-norm', 'l2-norm,sq'] as const)('RRA %s = 0.5', (pooling: Exclude<ChannelPooling, 'sum'>) => {
    expect(relevanceRankAccuracy(r, diagonal, hw2, { pooling })).toBe(0.5);
  });

  it('the channels-last reading of the literal nesting would give other numbers (so the layout matters)', () => {
    const literal = [1, -2, 0, 3, -1, 1, 2, 0];
    expect(relevanceMassAccuracy(literal, diagonal, hw2, { pooling: 'sum,pos' })).toBeCloseTo(0.4, 12);
  });
});

describe('golden values: AOPC', () => {
  it('toy MoRF curve f = [0.9, 0.5, 0.3, 0.25, 0.2] gives AOPC = 0.47', () => {
    expect(aopc([0.9, 0.5, 0.3, 0.25, 0.2])).toBeCloseTo(0.47, 12);
  });
});
