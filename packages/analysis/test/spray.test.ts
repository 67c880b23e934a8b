import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@xai/core';
import { downsampleArea, eigengapClusterCount, kMeans, knnAffinity, pairwiseSquaredDistances, preprocessHeatmap, spray, tsne } from '../src/index.js';

const SIDE = 48;

/** [48,48,3] relevance with a Gaussian blob at one of `centres` (jittered ±2 px) plus noise; group = index of the centre. */
function plantedHeatmaps(centres: Array<[number, number]>, perGroup: number, seed: number) {
  const rand = mulberry32(seed);
  const relevances: Float32Array[] = [];
  const groups: number[] = [];
  for (let i = 0; i < perGroup * centres.length; i++) {
    const g = i % centres.length; // interleaved, so clusters are not contiguous index ranges
    const [cx, cy] = centres[g]!;
    const jx = cx + (rand() - 0.5) * 4;
    const jy = cy + (rand() - 0.5) * 4;
    const amplitude = 0.5 + rand(); // magnitudes differ: normalisation must remove that
    const r = new Float32Array(SIDE * SIDE * 3);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const blob = amplitude * Math.exp(-((x - jx) ** 2 + (y - jy) ** 2) / (2 * 3 ** 2));
        for (let c = 0; c < 3; c++) r[(y * SIDE + x) * 3 + c] = blob / 3 + (rand() - 0.5) * 0.05 * amplitude;
      }
    }
    relevances.push(r);
    groups.push(g);
  }
  return { relevances, groups };
}

/** Is the partition `a` the same as `b` up to renaming? */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]!) ?? b[i]) !== b[i] || (ba.get(b[i]!) ?? a[i]) !== a[i]) return false;
    ab.set(a[i]!, b[i]!);
    ba.set(b[i]!, a[i]!);
  }
  return true;
}

const preprocess = { shape: [SIDE, SIDE, 3], size: 16 } as const;

describe('preprocessHeatmap', () => {
  it('sums channels, area-averages integer factors to block means and normalises by max|·|', () => {
    const r = new Float32Array(4 * 4 * 2).map((_, i) => (i % 2 === 0 ? 1 : 2) * (Math.floor(i / 2) < 8 ? 1 : -1));
    const m = preprocessHeatmap(r, { shape: [4, 4, 2], size: 2 });
    expect(Array.from(m)).toEqual([1, 1, -1, -1]);
    expect(Array.from(preprocessHeatmap(r, { shape: [4, 4, 2], size: 2, absolute: true }))).toEqual([1, 1, 1, 1]);
    // channels-first gives the same map for the same values moved to [C,H,W]
    const first = new Float32Array(32);
    for (let p = 0; p < 16; p++) for (let c = 0; c < 2; c++) first[c * 16 + p] = r[p * 2 + c]!;
    expect(Array.from(preprocessHeatmap(first, { shape: [2, 4, 4], channelAxis: 'first', size: 2 }))).toEqual([1, 1, -1, -1]);
  });

  it('weights fractional source pixels by the covered area (3 → 2) and keeps the mean', () => {
    const out = downsampleArea(Float32Array.from([3, 0, 6, 0, 0, 0, 3, 0, 6]), 3, 3, 2, 2);
    // top-left output covers [0,1.5)²: pixel (0,0) fully (weight 1/1.5²·1), (0,1),(1,0) half, (1,1) quarter
    expect(out[0]).toBeCloseTo(3 / 2.25, 6);
    expect(out.reduce((a, b) => a + b) / 4).toBeCloseTo(18 / 9, 6);
  });
});

describe('spray', () => {
  it('finds three planted strategies: the eigengap picks 3 and the clusters are recovered exactly', () => {
    const { relevances, groups } = plantedHeatmaps([[10, 10], [38, 12], [24, 38]], 30, 1);
    const result = spray(relevances, { preprocess, labels: groups, seed: 3 });
    expect(result.eigengapClusters).toBe(3);
    expect(result.clusterCount).toBe(3);
    expect(samePartition(result.assignments, groups)).toBe(true);
    expect(result.clusters.map((c) => c.size)).toEqual([30, 30, 30]);
    expect(result.clusters.every((c) => c.purity === 1)).toBe(true);
    // three disconnected components: three (numerically) zero eigenvalues, then a gap
    expect(result.eigenvalues[2]).toBeLessThan(1e-9);
    expect(result.eigenvalues[3]).toBeGreaterThan(0.05);
    // the mean heatmap of a cluster peaks where its blob is (16×16 map: centre (10,10) of 48 → (3,3))
    const c0 = result.clusters[0]!;
    const peak = c0.meanHeatmap.indexOf(Math.max(...c0.meanHeatmap));
    const g = groups[c0.members[0]!]!;
    const [cx, cy] = [[10, 10], [38, 12], [24, 38]][g]!;
    expect(Math.abs((peak % 16) - Math.floor(cx / 3))).toBeLessThanOrEqual(1);
    expect(Math.abs(Math.floor(peak / 16) - Math.floor(cy / 3))).toBeLessThanOrEqual(1);
    // prototypes are members, nearest first
    expect(c0.prototypes).toHaveLength(5);
    expect(c0.prototypes.every((i) => result.assignments[i] === 0)).toBe(true);
  });

  it('picks 2 for two planted strategies, and is deterministic for a seed (t-SNE and UMAP included)', () => {
    const { relevances, groups } = plantedHeatmaps([[12, 24], [36, 24]], 25, 2);
    const opts = { preprocess, seed: 5, embeddings: { tsne: { iterations: 300 }, umap: { epochs: 100 } } };
    const a = spray(relevances, opts);
    const b = spray(relevances, opts);
    expect(a.eigengapClusters).toBe(2);
    expect(samePartition(a.assignments, groups)).toBe(true);
    expect(Array.from(b.assignments)).toEqual(Array.from(a.assignments));
    expect(b.tsne).toEqual(a.tsne);
    expect(b.umap).toEqual(a.umap);
    // both embeddings separate the groups: every point is nearer its own group's centroid
    for (const emb of [a.tsne!, a.umap!]) {
      const centroid = [0, 1].map((g) => {
        const pts = emb.filter((_, i) => groups[i] === g);
        return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
      });
      emb.forEach((p, i) => {
        const d = centroid.map((c) => Math.hypot(p[0] - c[0]!, p[1] - c[1]!));
        expect(d[groups[i]!]).toBeLessThan(d[1 - groups[i]!]!);
      });
    }
  });

  it('honours a fixed cluster count and rejects inconsistent input', () => {
    const { relevances } = plantedHeatmaps([[12, 24], [36, 24]], 10, 4);
    expect(spray(relevances, { preprocess, clusters: 4 }).clusters).toHaveLength(4);
    expect(() => spray(relevances.slice(0, 2), { preprocess })).toThrow(/at least 3/);
    expect(() => spray([new Float32Array(4), new Float32Array(4), new Float32Array(5)])).toThrow(/heatmap 2 has 5 values/);
  });
});

describe('building blocks', () => {
  it('eigengap: the largest gap in the ascending spectrum, absolute or relative to where it sits', () => {
    expect(eigengapClusterCount(Float64Array.from([0, 0, 0.01, 0.9, 1, 1.1]), 5)).toBe(3);
    expect(eigengapClusterCount(Float64Array.from([0, 0.8, 0.85, 0.9]), 3)).toBe(1);
    // two near-disconnected groups, then a bulk whose spacing widens: the classical rule picks the bulk gap
    const spectrum = Float64Array.from([0, 0.003, 0.044, 0.075, 0.1, 0.12, 0.2]);
    expect(eigengapClusterCount(spectrum, 6, 'absolute')).toBe(6);
    expect(eigengapClusterCount(spectrum, 6, 'relative')).toBe(2);
    expect(eigengapClusterCount(Float64Array.from([0, 0.8, 0.85, 0.9]), 3, 'relative')).toBe(1);
  });

  it('k-means recovers well-separated groups whatever the seed', () => {
    const pts = [0, 0.1, 0.2, 10, 10.1, 10.2].map((v) => Float32Array.from([v, -v]));
    for (const seed of [0, 1, 2]) expect(samePartition(kMeans(pts, { k: 2, seed }).assignments, [0, 0, 0, 1, 1, 1])).toBe(true);
  });

  it('t-SNE keeps a handful of points stable: close pairs stay close, groups apart', () => {
    const pts = [0, 0.1, 0.2, 10, 10.1, 10.2].map((v) => Float32Array.from([v, -v]));
    const emb = tsne(pairwiseSquaredDistances(pts), 6, { perplexity: 1.5, iterations: 500, seed: 1 });
    const d = (i: number, j: number) => Math.hypot(emb[i]![0] - emb[j]![0], emb[i]![1] - emb[j]![1]);
    expect(Math.max(d(0, 1), d(1, 2), d(3, 4), d(4, 5))).toBeLessThan(d(0, 3) / 5);
    expect(d(0, 3)).toBeLessThan(1000); // no divergence
  });

  it('k-NN affinity is symmetric and links each point to its k nearest', () => {
    const pts = [0, 1, 3, 7].map((v) => Float32Array.from([v]));
    const a = knnAffinity(pairwiseSquaredDistances(pts), 4, 1);
    // nearest: 0→1, 1→0, 2→1, 3→2; symmetrised
    expect(Array.from(a)).toEqual([0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0]);
  });
});
