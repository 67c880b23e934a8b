import { stridesOf, type Layout } from '../data/layout.js';
import type { Random } from '../random/seeded.js';

/**
 * Neighbour offsets of a position on an N-D grid ({−1,0,1}^d without 0) with weights ∝ 1/‖o‖₁
 * summing to 1. In 2-D this gives Rong et al.'s weights: 1/6 for the four direct neighbours and
 * 1/12 for the four diagonal ones.
 */
export function neighbourWeights(rank: number): { offsets: number[][]; weights: number[] } {
  let offsets: number[][] = [[]];
  for (let a = 0; a < rank; a++) offsets = offsets.flatMap((o) => [-1, 0, 1].map((v) => [...o, v]));
  offsets = offsets.filter((o) => o.some((v) => v !== 0));
  const raw = offsets.map((o) => 1 / o.reduce((s, v) => s + Math.abs(v), 0));
  const total = raw.reduce((a, b) => a + b, 0);
  return { offsets, weights: raw.map((w) => w / total) };
}

/**
 * Noisy linear imputation (Rong, Leemann, Borisov, Kasneci & Kasneci 2022, "A consistent and
 * efficient evaluation strategy for attribution methods", ICML): every removed position
 * takes the weighted mean of its in-grid neighbours (removed ones included, so all removed values
 * are solved for jointly), per channel, then Gaussian noise of standard deviation `noise` is added.
 * The sparse symmetric system is solved by conjugate gradients (the paper uses a direct sparse
 * solver; the solution is the same). A group of removed positions with no kept neighbour anywhere
 * keeps the mean of the kept values of its channel (0 if nothing is kept).
 *
 * `x` is one sample (channels-last), `removed` is 1 for each removed position. Returns a new sample.
 */
export function noisyLinearImputation(x: ArrayLike<number>, layout: Layout, removed: ArrayLike<number>, noise: number, random?: Random): Float32Array {
  const { grid, channels: C, positions: P } = layout;
  const out = Float32Array.from({ length: layout.size }, (_, i) => x[i]!);
  const unknown: number[] = [];
  const variable = new Int32Array(P).fill(-1);
  for (let p = 0; p < P; p++) if (removed[p]) variable[p] = unknown.push(p) - 1;
  const n = unknown.length;
  if (n === 0) return out;

  // Sparse rows: diag = Σ valid weights; off-diagonal −w to removed neighbours; known neighbours go to b.
  const { offsets, weights } = neighbourWeights(grid.length);
  const strides = stridesOf(grid);
  const diag = new Float64Array(n);
  const nbVar: number[][] = Array.from({ length: n }, () => []);
  const nbVarW: number[][] = Array.from({ length: n }, () => []);
  const nbKnown: number[][] = Array.from({ length: n }, () => []);
  const nbKnownW: number[][] = Array.from({ length: n }, () => []);
  const coords = new Array<number>(grid.length);
  for (let i = 0; i < n; i++) {
    let rest = unknown[i]!;
    for (let a = grid.length - 1; a >= 0; a--) {
      coords[a] = rest % grid[a]!;
      rest = Math.floor(rest / grid[a]!);
    }
    offsets.forEach((o, k) => {
      let q = 0;
      for (let a = 0; a < grid.length; a++) {
        const c = coords[a]! + o[a]!;
        if (c < 0 || c >= grid[a]!) return;
        q += c * strides[a]!;
      }
      const w = weights[k]!;
      diag[i]! += w;
      if (variable[q]! >= 0) {
        nbVar[i]!.push(variable[q]!);
        nbVarW[i]!.push(w);
      } else {
        nbKnown[i]!.push(q);
        nbKnownW[i]!.push(w);
      }
    });
  }
  const apply = (v: Float64Array, into: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = diag[i]! * v[i]!;
      const js = nbVar[i]!;
      const ws = nbVarW[i]!;
      for (let k = 0; k < js.length; k++) s -= ws[k]! * v[js[k]!]!;
      into[i] = s;
    }
  };
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
    return s;
  };
  const solution = new Float64Array(n);
  const r = new Float64Array(n);
  const p = new Float64Array(n);
  const Ap = new Float64Array(n);
  for (let c = 0; c < C; c++) {
    let keptSum = 0;
    for (let q = 0; q < P; q++) if (variable[q]! < 0) keptSum += x[q * C + c]!;
    const start = P > n ? keptSum / (P - n) : 0;
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const qs = nbKnown[i]!;
      const ws = nbKnownW[i]!;
      for (let k = 0; k < qs.length; k++) b[i]! += ws[k]! * x[qs[k]! * C + c]!;
    }
    solution.fill(start);
    apply(solution, Ap);
    for (let i = 0; i < n; i++) r[i] = b[i]! - Ap[i]!;
    p.set(r);
    let rr = dot(r, r);
    const tolerance = 1e-20 * Math.max(dot(b, b), 1e-30);
    for (let it = 0; it < 4 * n + 20 && rr > tolerance; it++) {
      apply(p, Ap);
      const pAp = dot(p, Ap);
      if (!(pAp > 0)) break;
      const alpha = rr / pAp;
      for (let i = 0; i < n; i++) {
        solution[i]! += alpha * p[i]!;
        r[i]! -= alpha * Ap[i]!;
      }
      const next = dot(r, r);
      const beta = next / rr;
      rr = next;
      for (let i = 0; i < n; i++) p[i] = r[i]! + beta * p[i]!;
    }
    for (let i = 0; i < n; i++) out[unknown[i]! * C + c] = solution[i]! + (noise > 0 && random ? noise * random.normal() : 0);
  }
  return out;
}
