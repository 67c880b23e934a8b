/**
 * NEON (neuralisation-propagation): LRP through the neuralised k-means (see NeuralizedKMeans).
 * Min-pooling layer: the logit f_c is shared among the competitors by a soft-min,
 *   R_k = f_c · exp(−β h_k) / Σ_k' exp(−β h_k'),
 * so the nearest competitor gets most (all as β → ∞) and ties are split. Linear layer: the midpoint
 * rule, with the root point m_ck = (μ_c + μ_k)/2 on the boundary h_ck = 0:
 *   R_i = Σ_k (x_i − m_ck,i) w_ck,i / h_ck(x) · R_k.
 * Since w_ck·m_ck + b_ck = 0, Σ_i (x_i − m_ck,i) w_ck,i = h_ck(x): relevance is conserved,
 * Σ_i R_i = Σ_k R_k = f_c(x).
 */
import { InvalidArgumentError } from '@xai/core';
import type { NeuralizedKMeans } from './neuralized-kmeans.js';

export interface NeonOptions {
  /** The cluster explained; default the point's own (nearest) cluster. */
  readonly cluster?: number;
  /** Stiffness of the soft-min over competitors (see `neonBeta`); Infinity = the nearest competitor alone. */
  readonly beta: number;
}

export interface NeonExplanation {
  readonly cluster: number;
  /** f_c(x). */
  readonly logit: number;
  /** Relevance of each input dimension; sums to `logit`. */
  readonly relevance: Float64Array;
  /** The competitors of `cluster` and the relevance each received from the min-pooling. */
  readonly competitors: readonly number[];
  readonly competitorRelevance: Float64Array;
}

/**
 * The stiffness the authors' demo uses: β = 1 / mean f_c(x) over the data, each point at its own
 * cluster (f is then positive), so β·h is of order one.
 */
export function neonBeta(model: NeuralizedKMeans, points: readonly ArrayLike<number>[]): number {
  if (points.length === 0) throw new InvalidArgumentError('neonBeta needs at least one point');
  const mean = points.reduce((s, x) => s + model.logit(x, model.assign(x)), 0) / points.length;
  if (!(mean > 0)) throw new InvalidArgumentError(`neonBeta: the mean cluster logit is ${mean} (all points on a boundary?)`);
  return 1 / mean;
}

/** Soft-min weights exp(−β h_k)/Σ exp(−β h_k'), computed stably; β = Infinity splits among the minima. */
function softMin(h: Float64Array, beta: number): Float64Array {
  const min = Math.min(...h);
  const e = Number.isFinite(beta) ? h.map((v) => Math.exp(-beta * (v - min))) : h.map((v) => (v === min ? 1 : 0));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/** Sign-preserving stabiliser of a denominator (0 counts as positive). */
const stabilise = (z: number, eps = 1e-12) => z + (z >= 0 ? eps : -eps);

/** NEON relevance of each input dimension for the assignment of `x` to a cluster. */
export function neon(model: NeuralizedKMeans, x: ArrayLike<number>, options: NeonOptions): NeonExplanation {
  const { beta } = options;
  if (!(beta >= 0)) throw new InvalidArgumentError(`NEON: beta must be ≥ 0, got ${beta}`);
  const cluster = options.cluster ?? model.assign(x);
  const competitors = model.competitors(cluster);
  const h = model.differences(x, cluster);
  const logit = Math.min(...h);
  const share = softMin(h, beta);
  const competitorRelevance = share.map((p) => p * logit);
  const relevance = new Float64Array(model.dim);
  competitors.forEach((k, j) => {
    const w = model.weight(cluster, k);
    const m = model.midpoint(cluster, k);
    const scale = competitorRelevance[j]! / stabilise(h[j]!);
    for (let i = 0; i < model.dim; i++) relevance[i]! += (x[i]! - m[i]!) * w[i]! * scale;
  });
  return { cluster, logit, relevance, competitors, competitorRelevance };
}
