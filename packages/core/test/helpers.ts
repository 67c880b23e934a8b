/**
 * Shared test helpers: a seeded PRNG, tolerance checks, and an independent plain-JS (float64)
 * reference for linear layers as explicit matrices and for the LRP rules of
 * shared/fixtures/README.md ("Rules" table). Nothing here uses tfjs for the reference numbers.
 */
import { expect } from 'vitest';

// ---- randomness ------------------------------------------------------------------------------

import { mulberry32 } from '../src/random/mulberry32.js';

export { mulberry32 };

export interface Rng {
  next(): number;
  uniform(lo: number, hi: number): number;
  array(n: number, lo?: number, hi?: number): number[];
  int(n: number): number;
}

export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    array: (n, lo = -1, hi = 1) => Array.from({ length: n }, () => lo + (hi - lo) * next()),
    int: (n) => Math.floor(next() * n),
  };
}

export const prod = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

// ---- tolerances --------------------------------------------------------------------------------

export interface Comparison {
  ok: boolean;
  maxErr: number;
  maxRef: number;
  bound: number;
  worstIndex: number;
}

/** max|a − b| ≤ rel·max|b| + abs. */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-4, abs = 1e-6): Comparison {
  if (actual.length !== expected.length) return { ok: false, maxErr: Infinity, maxRef: NaN, bound: NaN, worstIndex: -1 };
  let maxErr = 0;
  let maxRef = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    const e = Number.isNaN(err) ? Infinity : err;
    if (e > maxErr || worstIndex < 0) {
      maxErr = e;
      worstIndex = i;
    }
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  const bound = rel * maxRef + abs;
  return { ok: maxErr <= bound, maxErr, maxRef, bound, worstIndex };
}

/** Asserts max|a − b| ≤ rel·max|b| + abs with a readable failure message. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-4, abs = 1e-6, label = ''): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const c = compare(actual, expected, rel, abs);
  const i = c.worstIndex;
  expect(
    c.ok,
    `${label}: max|a−b| = ${c.maxErr.toExponential(3)} > ${c.bound.toExponential(3)} (max|ref| = ${c.maxRef.toExponential(3)}); ` +
      `worst at [${i}]: got ${actual[i]}, expected ${expected[i]}`,
  ).toBe(true);
}

/** |a − b| ≤ rel·|b| for scalars. */
export function expectRelClose(actual: number, expected: number, rel: number, label = ''): void {
  const err = Math.abs(actual - expected);
  expect(err <= rel * Math.abs(expected), `${label}: got ${actual}, expected ${expected} (rel. error ${(err / Math.abs(expected)).toExponential(3)} > ${rel})`).toBe(true);
}

// ---- plain-JS linear algebra (float64) ----------------------------------------------------------

/** A matrix stored as rows: M[i][j], i over layer inputs, j over layer outputs (z = x·M). */
export type Mat = number[][];

/** z_j = Σ_i x_i M_ij. */
export function vecMat(x: readonly number[], m: Mat): number[] {
  const out = new Array<number>(m[0]?.length ?? 0).fill(0);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = m[i]!;
    for (let j = 0; j < out.length; j++) out[j]! += xi * row[j]!;
  }
  return out;
}

/** c_i = Σ_j M_ij s_j (the table's Wᵀs: the backward of the linear map). */
export function matVec(m: Mat, s: readonly number[]): number[] {
  return m.map((row) => row.reduce((acc, w, j) => acc + w * s[j]!, 0));
}

export const add = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v + b[i]!);
export const sub = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v - b[i]!);
export const mul = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v * b[i]!);
export const scale = (a: readonly number[], k: number): number[] => a.map((v) => v * k);
export const pos = (v: number): number => Math.max(v, 0);
export const neg = (v: number): number => Math.min(v, 0);
export const posV = (a: readonly number[]): number[] => a.map(pos);
export const negV = (a: readonly number[]): number[] => a.map(neg);
export const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0);

/** The README's stabiliser: z + ε·sign(z) with sign(0) = +1. */
export const stab = (z: number, eps: number): number => (z >= 0 ? z + eps : z - eps);

// ---- linear layers as explicit matrices ------------------------------------------------------------

/**
 * A linear layer seen as z = x·M + b on flattened (row-major, channels-last) vectors. `matrix(f)`
 * builds M from the kernel after applying f to every kernel entry (so f = () => 1 gives the all-ones
 * kernel of the flat rule, whose matrix is the layer's connectivity); `bias(f)` likewise per output.
 */
export interface LinearRef {
  readonly nIn: number;
  readonly nOut: number;
  readonly outShape: number[];
  matrix(f?: (w: number) => number): Mat;
  bias(f?: (b: number) => number): number[];
}

const id = (v: number) => v;

export function denseRef(kernel: readonly number[], nIn: number, nOut: number, bias: readonly number[] | null): LinearRef {
  return {
    nIn,
    nOut,
    outShape: [nOut],
    matrix: (f = id) => Array.from({ length: nIn }, (_, i) => Array.from({ length: nOut }, (_, j) => f(kernel[i * nOut + j]!))),
    bias: (f = id) => Array.from({ length: nOut }, (_, j) => (bias ? f(bias[j]!) : 0)),
  };
}

/** All multi-indices of a box, row-major. */
export function indices(dims: readonly number[]): number[][] {
  return dims.reduce<number[][]>((acc, n) => acc.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i])), [[]]);
}

const flatIndex = (idx: readonly number[], dims: readonly number[]): number => idx.reduce((acc, v, i) => acc * dims[i]! + v, 0);

export interface ConvSpec {
  /** Spatial sizes and channels, no batch axis: [...spatial, C]. */
  readonly inShape: readonly number[];
  /** Kernel size per spatial axis. */
  readonly size: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padding: 'same' | 'valid' | 'causal';
  /** Output channels (Conv) or the channel multiplier (depthwise). */
  readonly filters: number;
  readonly depthwise?: boolean;
}

/** TensorFlow's padding and output size for one spatial axis (written out here independently of the engine). */
export function tfPadding(n: number, k: number, s: number, d: number, padding: ConvSpec['padding']): { out: number; before: number } {
  const keff = (k - 1) * d + 1;
  if (padding === 'valid') return { out: Math.floor((n - keff) / s) + 1, before: 0 };
  if (padding === 'causal') return { out: Math.floor((n - 1) / s) + 1, before: keff - 1 };
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + keff - n, 0);
  return { out, before: Math.floor(total / 2) };
}

/**
 * The Toeplitz matrix of a (depthwise) convolution with a Keras kernel [...k, Cin, Cout]
 * (depthwise: [...k, C, M], output channel c·M + m), built by iterating output positions and
 * kernel offsets.
 */
export function convRef(spec: ConvSpec, kernel: readonly number[], bias: readonly number[] | null): LinearRef {
  const spatial = spec.inShape.slice(0, -1);
  const cin = spec.inShape[spec.inShape.length - 1]!;
  const cout = spec.depthwise ? cin * spec.filters : spec.filters;
  const geo = spatial.map((n, a) => tfPadding(n, spec.size[a]!, spec.strides[a]!, spec.dilations[a]!, spec.padding));
  const outSpatial = geo.map((g) => g.out);
  const nIn = prod(spatial) * cin;
  const nOutPos = prod(outSpatial);
  const nOut = nOutPos * cout;
  const kernelShape = spec.depthwise ? [...spec.size, cin, spec.filters] : [...spec.size, cin, cout];
  const matrix = (f = id): Mat => {
    const m: Mat = Array.from({ length: nIn }, () => new Array<number>(nOut).fill(0));
    for (const o of indices(outSpatial)) {
      const oIdx = flatIndex(o, outSpatial);
      for (const k of indices(spec.size)) {
        const i = o.map((ov, a) => ov * spec.strides[a]! - geo[a]!.before + k[a]! * spec.dilations[a]!);
        if (i.some((v, a) => v < 0 || v >= spatial[a]!)) continue;
        const iIdx = flatIndex(i, spatial);
        if (spec.depthwise) {
          for (let c = 0; c < cin; c++) {
            for (let mm = 0; mm < spec.filters; mm++) {
              m[iIdx * cin + c]![oIdx * cout + c * spec.filters + mm]! += f(kernel[flatIndex([...k, c, mm], kernelShape)]!);
            }
          }
        } else {
          for (let c = 0; c < cin; c++) {
            for (let co = 0; co < cout; co++) m[iIdx * cin + c]![oIdx * cout + co]! += f(kernel[flatIndex([...k, c, co], kernelShape)]!);
          }
        }
      }
    }
    return m;
  };
  return {
    nIn,
    nOut,
    outShape: [...outSpatial, cout],
    matrix,
    bias: (f = id) => Array.from({ length: nOut }, (_, j) => (bias ? f(bias[j % cout]!) : 0)),
  };
}

// ---- the rules (shared/fixtures/README.md, "Rules") ------------------------------------------------

export type RefRule =
  | { name: 'epsilon'; epsilon: number }
  | { name: 'gamma'; gamma: number }
  | { name: 'zplus' }
  | { name: 'alpha_beta'; alpha: number; beta: number }
  | { name: 'flat' }
  | { name: 'wsquare' }
  | { name: 'z_box'; low: number | number[]; high: number | number[] };

const EPS = 1e-6;

/** Relevance of the layer input x (flattened) for relevance R of its linear output, float64. */
export function refRule(rule: RefRule, lin: LinearRef, x: readonly number[], R: readonly number[]): number[] {
  const W = lin.matrix();
  const b = lin.bias();
  const xp = posV(x);
  const xn = negV(x);
  const ratio = (z: readonly number[], eps: number, mask?: (j: number) => boolean) => z.map((zj, j) => (mask && !mask(j) ? 0 : R[j]! / stab(zj, eps)));
  switch (rule.name) {
    case 'epsilon': {
      const s = ratio(add(vecMat(x, W), b), rule.epsilon);
      return mul(x, matVec(W, s));
    }
    case 'gamma': {
      const g = rule.gamma;
      const Wu = lin.matrix((w) => w + g * pos(w));
      const Wd = lin.matrix((w) => w + g * neg(w));
      const bu = lin.bias((v) => v + g * pos(v));
      const bd = lin.bias((v) => v + g * neg(v));
      const z = add(vecMat(x, W), b);
      const zUp = add(add(vecMat(xp, Wu), vecMat(xn, Wd)), bu);
      const zDown = add(add(vecMat(xp, Wd), vecMat(xn, Wu)), bd);
      const sUp = ratio(zUp, EPS, (j) => z[j]! > 0);
      const sDown = ratio(zDown, EPS, (j) => z[j]! < 0);
      return add(mul(xp, add(matVec(Wu, sUp), matVec(Wd, sDown))), mul(xn, add(matVec(Wd, sUp), matVec(Wu, sDown))));
    }
    case 'zplus': {
      const Wp = lin.matrix(pos);
      const Wn = lin.matrix(neg);
      const s = ratio(add(add(vecMat(xp, Wp), vecMat(xn, Wn)), lin.bias(pos)), EPS);
      return add(mul(xp, matVec(Wp, s)), mul(xn, matVec(Wn, s)));
    }
    case 'alpha_beta': {
      const Wp = lin.matrix(pos);
      const Wn = lin.matrix(neg);
      const sa = ratio(add(add(vecMat(xp, Wp), vecMat(xn, Wn)), lin.bias(pos)), EPS);
      const sb = ratio(add(add(vecMat(xp, Wn), vecMat(xn, Wp)), lin.bias(neg)), EPS);
      const a = add(mul(xp, matVec(Wp, sa)), mul(xn, matVec(Wn, sa)));
      const bb = add(mul(xp, matVec(Wn, sb)), mul(xn, matVec(Wp, sb)));
      return sub(scale(a, rule.alpha), scale(bb, rule.beta));
    }
    case 'flat': {
      const ones = lin.matrix(() => 1);
      const s = ratio(vecMat(new Array<number>(x.length).fill(1), ones), EPS);
      return matVec(ones, s);
    }
    case 'wsquare': {
      const W2 = lin.matrix((w) => w * w);
      const s = ratio(add(vecMat(new Array<number>(x.length).fill(1), W2), lin.bias((v) => v * v)), EPS);
      return matVec(W2, s);
    }
    case 'z_box': {
      const l = typeof rule.low === 'number' ? new Array<number>(x.length).fill(rule.low) : rule.low;
      const h = typeof rule.high === 'number' ? new Array<number>(x.length).fill(rule.high) : rule.high;
      const Wp = lin.matrix(pos);
      const Wn = lin.matrix(neg);
      const z = sub(sub(vecMat(x, W), vecMat(l, Wp)), vecMat(h, Wn));
      const s = ratio(z, EPS);
      return sub(sub(mul(x, matVec(W, s)), mul(l, matVec(Wp, s))), mul(h, matVec(Wn, s)));
    }
  }
}

/** Splits a flat batch array into per-sample rows. */
export function rows(data: ArrayLike<number>, batch: number): number[][] {
  const n = data.length / batch;
  return Array.from({ length: batch }, (_, b) => Array.from({ length: n }, (_, i) => data[b * n + i]!));
}
