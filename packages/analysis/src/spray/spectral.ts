/** Spectral clustering of an affinity matrix: normalised Laplacian, its spectrum, the eigengap, an embedding. */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface Spectrum {
  /** Eigenvalues of L_sym = I − D^−½ A D^−½, ascending (in [0, 2]). */
  readonly eigenvalues: Float64Array;
  /** Eigenvector of eigenvalues[j] in column j, rows = samples. */
  readonly eigenvectors: Matrix;
}

/** The symmetric normalised graph Laplacian of `a` (n × n) and its eigendecomposition (ml-matrix). */
export function laplacianSpectrum(a: Float64Array, n: number): Spectrum {
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) deg[i] += a[i * n + j]!;
  const inv = deg.map((d) => (d > 0 ? 1 / Math.sqrt(d) : 0));
  const l = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) l.set(i, j, (i === j && deg[i]! > 0 ? 1 : 0) - inv[i]! * a[i * n + j]! * inv[j]!);
  }
  const evd = new EigenvalueDecomposition(l, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const order = values.map((_, j) => j).sort((x, y) => values[x]! - values[y]! || x - y);
  const vectors = evd.eigenvectorMatrix;
  const eigenvectors = new Matrix(n, n);
  order.forEach((src, dst) => {
    for (let i = 0; i < n; i++) eigenvectors.set(i, dst, vectors.get(i, src));
  });
  return { eigenvalues: Float64Array.from(order, (j) => values[j]!), eigenvectors };
}

export type EigengapMode = 'absolute' | 'relative';

/** ε of the relative eigengap: eigenvalues far below it count as "zero" (a disconnected component). */
export const RELATIVE_GAP_EPSILON = 0.01;

/**
 * The eigengap heuristic: the k in 1…maxClusters with the largest gap between λ_k and λ_{k+1}
 * (ascending eigenvalues, 1-based). 'absolute': λ_{k+1} − λ_k, the classical rule. 'relative':
 * log((λ_{k+1} + ε) / (λ_k + ε)), which compares the gap with where it sits, so the jump from a few
 * near-zero eigenvalues to the bulk is not outweighed by a wider spacing deep in the bulk (measured
 * on the Clever Hans demo, see the README).
 */
export function eigengapClusterCount(eigenvalues: Float64Array, maxClusters: number, mode: EigengapMode = 'absolute'): number {
  let best = 1;
  let gap = -Infinity;
  const at = (k: number) => Math.max(0, eigenvalues[k]!); // round-off can give −1e-16
  for (let k = 1; k <= Math.min(maxClusters, eigenvalues.length - 1); k++) {
    const g = mode === 'absolute' ? at(k) - at(k - 1) : Math.log(at(k) + RELATIVE_GAP_EPSILON) - Math.log(at(k - 1) + RELATIVE_GAP_EPSILON);
    if (g > gap + 1e-12) {
      gap = g;
      best = k;
    }
  }
  return best;
}

/** Rows of the first k eigenvectors, each scaled to unit length (Ng, Jordan & Weiss 2002). */
export function spectralEmbedding(s: Spectrum, k: number): Float32Array[] {
  const n = s.eigenvectors.rows;
  return Array.from({ length: n }, (_, i) => {
    const row = Float32Array.from({ length: k }, (_, j) => s.eigenvectors.get(i, j));
    const norm = Math.hypot(...row);
    if (norm > 0) for (let j = 0; j < k; j++) row[j]! /= norm;
    return row;
  });
}
