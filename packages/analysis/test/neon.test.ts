import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@xai/core';
import { neon, neonBeta, NeuralizedKMeans } from '../src/index.js';
import { kMeans } from '../src/neon/kmeans.js';

/** n points around each centre, Gaussian-free uniform noise of half-width `spread`. */
function blobs(centres: number[][], n: number, spread: number, seed: number): { points: Float64Array[]; labels: number[] } {
  const rand = mulberry32(seed);
  const points: Float64Array[] = [];
  const labels: number[] = [];
  centres.forEach((c, label) => {
    for (let i = 0; i < n; i++) {
      points.push(Float64Array.from(c, (v) => v + (rand() * 2 - 1) * spread));
      labels.push(label);
    }
  });
  return { points, labels };
}

describe('kMeans', () => {
  const centres = [[0, 0, 0], [5, 0, 0], [0, 5, 5]];
  const { points, labels } = blobs(centres, 30, 1, 1);

  it('recovers well-separated blobs (every blob one cluster)', () => {
    const r = kMeans(points, { k: 3, seed: 3 });
    for (let b = 0; b < 3; b++) {
      const got = new Set(labels.flatMap((l, i) => (l === b ? [r.assignments[i]] : [])));
      expect(got.size).toBe(1);
    }
    expect(new Set(r.assignments).size).toBe(3);
    // Each centroid within the noise's reach of a true centre.
    for (const c of r.centroids) expect(Math.min(...centres.map((t) => Math.hypot(...t.map((v, i) => v - c[i]!))))).toBeLessThan(0.5);
  });

  it('is deterministic for a seed', () => {
    const a = kMeans(points, { k: 4, seed: 7 });
    const b = kMeans(points, { k: 4, seed: 7 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(a.centroids.map((c) => Array.from(c))).toEqual(b.centroids.map((c) => Array.from(c)));
    expect(a.inertia).toBe(b.inertia);
  });

  it('rejects bad input with a message', () => {
    expect(() => kMeans(points.slice(0, 2), { k: 3 })).toThrow(/2 points cannot make 3 clusters/);
    expect(() => kMeans([[1, 2], [1]], { k: 1 })).toThrow(/point 1 has 1 values/);
  });
});

describe('NeuralizedKMeans', () => {
  it('f_c(x) = min_k ‖x−μ_k‖² − ‖x−μ_c‖², positive exactly for the nearest centroid', () => {
    const rand = mulberry32(11);
    const centroids = Array.from({ length: 4 }, () => Float64Array.from({ length: 5 }, () => rand() * 4));
    const net = new NeuralizedKMeans(centroids);
    for (let t = 0; t < 20; t++) {
      const x = Float64Array.from({ length: 5 }, () => rand() * 4);
      const d = centroids.map((m) => m.reduce((s, v, i) => s + (x[i]! - v) ** 2, 0));
      for (let c = 0; c < 4; c++) {
        const expected = Math.min(...d.filter((_, k) => k !== c)) - d[c]!;
        expect(net.logit(x, c)).toBeCloseTo(expected, 9);
      }
      const nearest = d.indexOf(Math.min(...d));
      expect(net.assign(x)).toBe(nearest);
      expect(net.logit(x, nearest)).toBeGreaterThan(0);
    }
  });
});

describe('neon', () => {
  it('conserves relevance: Σ_i R_i = f_c(x) (relative 1e-5), for any β and any explained cluster', () => {
    const { points } = blobs([[0, 0, 0, 0, 0, 0], [3, 1, 0, 2, 0, 1], [0, 3, 3, 0, 1, 0], [2, 2, 2, 2, 2, 2]], 25, 1.2, 5);
    const km = kMeans(points, { k: 4, seed: 1 });
    const net = new NeuralizedKMeans(km.centroids);
    const beta = neonBeta(net, points);
    expect(beta).toBeGreaterThan(0);
    for (const b of [0, beta, 10 * beta, Infinity]) {
      for (const x of points.slice(0, 40)) {
        for (const cluster of [undefined, 0, 2]) {
          const e = neon(net, x, { beta: b, ...(cluster === undefined ? {} : { cluster }) });
          const sum = e.relevance.reduce((a, v) => a + v, 0);
          expect(Math.abs(sum - e.logit)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(e.logit)));
          expect(e.competitorRelevance.reduce((a, v) => a + v, 0)).toBeCloseTo(e.logit, 9);
          if (cluster === undefined) expect(e.logit).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it('the soft-min gives the nearest competitor most relevance, all of it as β → ∞', () => {
    const net = new NeuralizedKMeans([Float64Array.of(0, 0), Float64Array.of(2, 0), Float64Array.of(0, 6)]);
    const x = [0.2, 0.1];
    const soft = neon(net, x, { beta: 1 });
    const hard = neon(net, x, { beta: Infinity });
    expect(soft.competitors).toEqual([1, 2]);
    expect(soft.competitorRelevance[0]!).toBeGreaterThan(soft.competitorRelevance[1]!);
    expect(hard.competitorRelevance[1]).toBe(0);
    expect(hard.competitorRelevance[0]).toBeCloseTo(hard.logit, 12);
    // Against cluster 1 only the first coordinate differs: all relevance on it.
    expect(hard.relevance[1]).toBe(0);
  });

  it('two clusters that differ in one image region: the relevance is on that region', () => {
    // 8×8 images; cluster B has the top-left 3×3 patch bright, cluster A dark; the rest is the same noise in both.
    const side = 8;
    const inPatch = (i: number) => Math.floor(i / side) < 3 && i % side < 3;
    const rand = mulberry32(21);
    const points: Float64Array[] = [];
    for (let n = 0; n < 80; n++) points.push(Float64Array.from({ length: side * side }, (_, i) => (inPatch(i) && n % 2 ? 1 : 0) + rand() * 0.1));
    const km = kMeans(points, { k: 2, seed: 2 });
    // The two clusters are the bright and the dark images.
    points.forEach((_, n) => expect(km.assignments[n]).toBe(km.assignments[n % 2]));
    const net = new NeuralizedKMeans(km.centroids);
    const beta = neonBeta(net, points);
    for (const x of points.slice(0, 10)) {
      const e = neon(net, x, { beta });
      const onPatch = e.relevance.reduce((a, v, i) => a + (inPatch(i) ? v : 0), 0);
      // Off the patch the centroids differ only by the noise's sampling error: < 3% of f_c.
      expect(onPatch / e.logit).toBeGreaterThan(0.97);
      e.relevance.forEach((v, i) => {
        if (inPatch(i)) expect(v).toBeGreaterThan(0);
      });
    }
    // Centroids that differ exactly on the patch put exactly zero relevance elsewhere.
    const exact = new NeuralizedKMeans([Float64Array.from({ length: 64 }, () => 0.05), Float64Array.from({ length: 64 }, (_, i) => (inPatch(i) ? 1.05 : 0.05))]);
    const e = neon(exact, points[1]!, { beta: 1 });
    e.relevance.forEach((v, i) => (inPatch(i) ? expect(v).toBeGreaterThan(0) : expect(v).toBe(0)));
    expect(e.cluster).toBe(1);
  });
});
