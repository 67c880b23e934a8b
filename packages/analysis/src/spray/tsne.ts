/**
 * Exact t-SNE (van der Maaten & Hinton 2008), O(n²) per iteration: meant for a class's heatmaps
 * (n up to a few thousand). Perplexity-calibrated Gaussian affinities, early exaggeration, momentum
 * with per-coordinate gains, as in the reference implementation; seeded initialisation.
 */
import { InvalidArgumentError, mulberry32, normalDeviates } from '@xai/core';

export interface TsneOptions {
  readonly perplexity?: number;
  readonly iterations?: number;
  /** Default max(n / 12, min(50, n)). */
  readonly learningRate?: number;
  readonly seed?: number;
}

/** P_{j|i} rows for squared distances d2 (n·n), each calibrated by bisection on β to the perplexity. */
function conditionalAffinities(d2: Float64Array, n: number, perplexity: number): Float64Array {
  const p = new Float64Array(n * n);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    const row = d2.subarray(i * n, (i + 1) * n);
    // shift by the nearest distance so exp() does not underflow on far-apart data
    let dmin = Infinity;
    for (let j = 0; j < n; j++) if (j !== i && row[j]! < dmin) dmin = row[j]!;
    for (let step = 0; step < 64; step++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const v = Math.exp(-beta * (row[j]! - dmin));
        p[i * n + j] = v;
        sum += v;
        weighted += v * (row[j]! - dmin);
      }
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      for (let j = 0; j < n; j++) p[i * n + j]! /= sum;
      if (Math.abs(entropy - target) < 1e-5) break;
      if (entropy > target) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
  }
  return p;
}

/** A 2-D embedding of the points whose squared distances are `d2` (n·n). Returns [x, y] per point. */
export function tsne(d2: Float64Array, n: number, options: TsneOptions = {}): Array<[number, number]> {
  if (n < 2) return Array.from({ length: n }, () => [0, 0] as [number, number]);
  const perplexity = Math.min(options.perplexity ?? 30, (n - 1) / 3);
  if (!(perplexity > 0)) throw new InvalidArgumentError(`tsne: perplexity must be positive, got ${options.perplexity}`);
  const iterations = options.iterations ?? 500;
  // max(n/12, 50) as openTSNE/scikit-learn, but at most n: with a handful of points 50 overshoots and the map diverges
  const eta = options.learningRate ?? Math.max(n / 12, Math.min(50, n));
  const cond = conditionalAffinities(d2, n, perplexity);
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * n + j] = Math.max((cond[i * n + j]! + cond[j * n + i]!) / (2 * n), 1e-12);
  const normal = normalDeviates(mulberry32(options.seed ?? 0));
  const Y = Float64Array.from({ length: 2 * n }, () => normal() * 1e-4);
  const gains = new Float64Array(2 * n).fill(1);
  const update = new Float64Array(2 * n);
  const num = new Float64Array(n * n);
  const grad = new Float64Array(2 * n);
  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < 100 ? 12 : 1;
    const momentum = it < 250 ? 0.5 : 0.8;
    let sumQ = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = Y[2 * i]! - Y[2 * j]!;
        const dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
        const q = 1 / (1 + dx * dx + dy * dy);
        num[i * n + j] = q;
        num[j * n + i] = q;
        sumQ += 2 * q;
      }
    }
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const q = num[i * n + j]!;
        const m = 4 * (exaggeration * P[i * n + j]! - q / sumQ) * q;
        grad[2 * i]! += m * (Y[2 * i]! - Y[2 * j]!);
        grad[2 * i + 1]! += m * (Y[2 * i + 1]! - Y[2 * j + 1]!);
      }
    }
    for (let k = 0; k < 2 * n; k++) {
      gains[k] = Math.sign(grad[k]!) !== Math.sign(update[k]!) ? gains[k]! + 0.2 : Math.max(0.01, gains[k]! * 0.8);
      update[k] = momentum * update[k]! - eta * gains[k]! * grad[k]!;
      Y[k]! += update[k]!;
    }
    // keep the embedding centred
    for (const d of [0, 1]) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += Y[2 * i + d]!;
      mean /= n;
      for (let i = 0; i < n; i++) Y[2 * i + d]! -= mean;
    }
  }
  return Array.from({ length: n }, (_, i) => [Y[2 * i]!, Y[2 * i + 1]!]);
}
