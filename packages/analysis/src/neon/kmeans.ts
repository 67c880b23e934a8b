/** Seeded k-means (k-means++ initialisation, then Lloyd's iterations) on rows of numbers. */
import { InvalidArgumentError, mulberry32 } from '@xai/core';

export interface KMeansOptions {
  /** Number of clusters. */
  readonly k: number;
  /** Seed of the k-means++ initialisation (default 0). */
  readonly seed?: number;
  /** Most Lloyd iterations (default 100). */
  readonly maxIterations?: number;
  /** Stop when no centroid moves more than this (Euclidean; default 1e-8). */
  readonly tolerance?: number;
}

export interface KMeansResult {
  /** k centroids, each as long as a point. */
  readonly centroids: Float64Array[];
  /** Cluster of every point. */
  readonly assignments: Int32Array;
  /** Sum of squared distances of the points to their centroids. */
  readonly inertia: number;
  readonly iterations: number;
}

function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

function nearest(point: ArrayLike<number>, centroids: readonly Float64Array[]): [index: number, distance: number] {
  let best = 0;
  let bestD = Infinity;
  centroids.forEach((c, k) => {
    const d = squaredDistance(point, c);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  });
  return [best, bestD];
}

/** k-means++: the first centroid uniformly, each next one with probability ∝ squared distance to the nearest chosen. */
function kMeansPlusPlus(points: readonly ArrayLike<number>[], k: number, rand: () => number): Float64Array[] {
  const centroids = [Float64Array.from(points[Math.floor(rand() * points.length)]!)];
  const d2 = points.map((p) => squaredDistance(p, centroids[0]!));
  while (centroids.length < k) {
    const total = d2.reduce((a, b) => a + b, 0);
    let pick = 0;
    if (total > 0) {
      let u = rand() * total;
      for (pick = 0; pick < points.length - 1; pick++) {
        u -= d2[pick]!;
        if (u < 0) break;
      }
    } else pick = Math.floor(rand() * points.length);
    const c = Float64Array.from(points[pick]!);
    centroids.push(c);
    points.forEach((p, i) => (d2[i] = Math.min(d2[i]!, squaredDistance(p, c))));
  }
  return centroids;
}

/** k-means on `points` (rows of equal length). Deterministic for a given seed. */
export function kMeans(points: readonly ArrayLike<number>[], options: KMeansOptions): KMeansResult {
  const { k, seed = 0, maxIterations = 100, tolerance = 1e-8 } = options;
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`k-means: k must be a positive integer, got ${k}`);
  if (points.length < k) throw new InvalidArgumentError(`k-means: ${points.length} points cannot make ${k} clusters`);
  const dim = points[0]!.length;
  points.forEach((p, i) => {
    if (p.length !== dim) throw new InvalidArgumentError(`k-means: point ${i} has ${p.length} values, point 0 has ${dim}`);
  });
  const rand = mulberry32(seed);
  let centroids = kMeansPlusPlus(points, k, rand);
  const assignments = new Int32Array(points.length);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const distances = points.map((p, i) => {
      const [c, d] = nearest(p, centroids);
      assignments[i] = c;
      return d;
    });
    const sums = Array.from({ length: k }, () => new Float64Array(dim));
    const counts = new Int32Array(k);
    points.forEach((p, i) => {
      const c = assignments[i]!;
      counts[c]!++;
      const s = sums[c]!;
      for (let j = 0; j < dim; j++) s[j]! += p[j]!;
    });
    const next = sums.map((s, c) => {
      if (counts[c]! > 0) return s.map((v) => v / counts[c]!);
      // An empty cluster takes the point farthest from its centroid (keeps k clusters).
      const far = distances.reduce((best, d, i) => (d > distances[best]! ? i : best), 0);
      distances[far] = 0;
      return Float64Array.from(points[far]!);
    });
    const moved = Math.max(...next.map((c, i) => Math.sqrt(squaredDistance(c, centroids[i]!))));
    centroids = next;
    if (moved <= tolerance) {
      iterations++;
      break;
    }
  }
  let inertia = 0;
  points.forEach((p, i) => {
    const [c, d] = nearest(p, centroids);
    assignments[i] = c;
    inertia += d;
  });
  return { centroids, assignments, inertia, iterations };
}
