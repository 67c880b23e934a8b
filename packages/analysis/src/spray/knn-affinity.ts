/** Symmetric k-nearest-neighbour affinity of the rows of a data matrix (Euclidean distance). */
import { InvalidArgumentError } from '@xai/core';

/** Squared Euclidean distances between all rows of `rows` (n × d), as an n·n array. */
export function pairwiseSquaredDistances(rows: readonly Float32Array[]): Float64Array {
  const n = rows.length;
  const norms = rows.map((r) => r.reduce((a, v) => a + v * v, 0));
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = rows[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = rows[j]!;
      let dot = 0;
      for (let k = 0; k < a.length; k++) dot += a[k]! * b[k]!;
      const v = Math.max(0, norms[i]! + norms[j]! - 2 * dot);
      d2[i * n + j] = v;
      d2[j * n + i] = v;
    }
  }
  return d2;
}

/**
 * Binary k-NN connectivity made symmetric: A_ij = 1 when j is among the k nearest neighbours of i
 * or i among those of j (as SpRAy's reference implementation, CoRelAy, builds it). Ties are broken
 * by index, so the graph is deterministic.
 */
export function knnAffinity(d2: Float64Array, n: number, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`neighbours must be a positive integer, got ${k}`);
  const kk = Math.min(k, n - 1);
  const a = new Float64Array(n * n);
  const order = Array.from({ length: n }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const row = d2.subarray(i * n, (i + 1) * n);
    const near = order.filter((j) => j !== i).sort((x, y) => row[x]! - row[y]! || x - y);
    for (let m = 0; m < kk; m++) {
      const j = near[m]!;
      a[i * n + j] = 1;
      a[j * n + i] = 1;
    }
  }
  return a;
}
