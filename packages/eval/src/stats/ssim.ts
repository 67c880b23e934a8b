import { InvalidArgumentError } from '@xai/core';
import { product, stridesOf } from '../data/layout.js';

export interface SsimOptions {
  /** Dynamic range L of the values (C1 = (K1·L)², C2 = (K2·L)²); default max − min over both maps (1 if that is 0). */
  readonly dataRange?: number;
  /** 'gaussian' (default): σ = 1.5 window truncated at ⌊3.5σ + 0.5⌋ = 5 taps each side (Wang et al. 2004); 'global': one window over everything. */
  readonly window?: 'gaussian' | 'global';
  readonly sigma?: number;
  readonly k1?: number;
  readonly k2?: number;
}

/** Normalised 1-D Gaussian taps with radius ⌊truncate·σ + 0.5⌋, as scipy.ndimage.gaussian_filter1d. */
function taps(sigma: number, truncate = 3.5): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += w[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < w.length; i++) w[i]! /= sum;
  return w;
}

/** scipy's 'reflect' boundary (d c b a | a b c d | d c b a), any distance. */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/** Separable filtering of a row-major N-D grid along every axis. */
function filter(values: Float64Array, grid: readonly number[], w: Float64Array): Float64Array {
  const radius = (w.length - 1) / 2;
  const strides = stridesOf(grid);
  let data = values;
  grid.forEach((n, axis) => {
    const step = strides[axis]!;
    const out = new Float64Array(data.length);
    const outer = data.length / (n * step);
    for (let o = 0; o < outer; o++) {
      for (let inner = 0; inner < step; inner++) {
        const base = o * n * step + inner;
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let k = -radius; k <= radius; k++) acc += w[k + radius]! * data[base + reflect(i + k, n) * step]!;
          out[base + i * step] = acc;
        }
      }
    }
    data = out;
  });
  return data;
}

/**
 * Structural similarity index (Wang, Bovik, Sheikh & Simoncelli 2004, "Image quality assessment:
 * from error visibility to structural similarity", IEEE TIP 13(4)) of two maps on the same grid
 * (any number of axes): SSIM = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)) per
 * window, averaged. With the Gaussian window this follows the paper's recommended setting
 * (σ = 1.5, K1 = 0.01, K2 = 0.03, population (co)variances) and matches scikit-image's
 * `structural_similarity(gaussian_weights=True, use_sample_covariance=False)`: reflected borders,
 * and the mean taken over positions at least one window radius from every border (fewer where an
 * axis is too short for that).
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, grid: readonly number[], options: SsimOptions = {}): number {
  const n = product(grid);
  if (a.length !== n || b.length !== n) throw new InvalidArgumentError(`ssim: maps of ${a.length} and ${b.length} values for a grid of [${grid}]`);
  const k1 = options.k1 ?? 0.01;
  const k2 = options.k2 ?? 0.03;
  let range = options.dataRange;
  if (range === undefined) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, a[i]!, b[i]!);
      hi = Math.max(hi, a[i]!, b[i]!);
    }
    range = hi > lo ? hi - lo : 1;
  }
  const c1 = (k1 * range) ** 2;
  const c2 = (k2 * range) ** 2;
  const x = Float64Array.from(a);
  const y = Float64Array.from(b);
  const index = (ux: number, uy: number, uxx: number, uyy: number, uxy: number) => {
    const vx = uxx - ux * ux;
    const vy = uyy - uy * uy;
    const vxy = uxy - ux * uy;
    return ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  };
  if ((options.window ?? 'gaussian') === 'global') {
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (let i = 0; i < n; i++) {
      sx += x[i]!;
      sy += y[i]!;
      sxx += x[i]! * x[i]!;
      syy += y[i]! * y[i]!;
      sxy += x[i]! * y[i]!;
    }
    return index(sx / n, sy / n, sxx / n, syy / n, sxy / n);
  }
  const w = taps(options.sigma ?? 1.5);
  const pad = (w.length - 1) / 2;
  const mul = (p: Float64Array, q: Float64Array) => p.map((v, i) => v * q[i]!);
  const ux = filter(x, grid, w);
  const uy = filter(y, grid, w);
  const uxx = filter(mul(x, x), grid, w);
  const uyy = filter(mul(y, y), grid, w);
  const uxy = filter(mul(x, y), grid, w);
  const crop = grid.map((d) => Math.min(pad, Math.floor((d - 1) / 2)));
  const strides = stridesOf(grid);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    let inside = true;
    for (let axis = 0; axis < grid.length && inside; axis++) {
      const c = Math.floor(i / strides[axis]!) % grid[axis]!;
      inside = c >= crop[axis]! && c < grid[axis]! - crop[axis]!;
    }
    if (!inside) continue;
    sum += index(ux[i]!, uy[i]!, uxx[i]!, uyy[i]!, uxy[i]!);
    count++;
  }
  return sum / count;
}
