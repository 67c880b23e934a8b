/**
 * Butterworth filters as second-order sections and zero-phase (forward-backward) filtering, with
 * the conventions of scipy.signal (`butter(…, output='sos')`, `sosfilt_zi`, `sosfiltfilt` with odd
 * padding), so results can be checked against it.
 */
import { InvalidArgumentError } from '@xai/core';

/** One biquad [b0, b1, b2, a0 = 1, a1, a2]. */
export type Section = readonly [number, number, number, number, number, number];

interface Complex {
  re: number;
  im: number;
}

const div = (p: Complex, q: Complex): Complex => {
  const d = q.re * q.re + q.im * q.im;
  return { re: (p.re * q.re + p.im * q.im) / d, im: (p.im * q.re - p.re * q.im) / d };
};

/**
 * Butterworth low- or high-pass of `order` with −3 dB at `cutoff` Hz (bilinear transform with
 * pre-warping): each conjugate pole pair is one section, an odd order adds a first-order one.
 */
export function butterworth(order: number, cutoff: number, sampleRate: number, type: 'lowpass' | 'highpass'): Section[] {
  if (!Number.isInteger(order) || order < 1 || order > 20) throw new InvalidArgumentError(`filter order must be an integer in 1..20, got ${order}`);
  if (!(cutoff > 0 && cutoff < sampleRate / 2)) {
    throw new InvalidArgumentError(`${type} cutoff ${cutoff} Hz must lie between 0 and the Nyquist frequency ${sampleRate / 2} Hz`);
  }
  const fs2 = 2 * sampleRate;
  const warped = fs2 * Math.tan((Math.PI * cutoff) / sampleRate);
  const sections: Section[] = [];
  for (let k = 0; k < Math.floor(order / 2); k++) {
    // Prototype pole in the upper half of the left half-plane.
    const theta = (Math.PI * (2 * k + 1 + order)) / (2 * order);
    const proto = { re: Math.cos(theta), im: Math.sin(theta) };
    const s = type === 'lowpass' ? { re: warped * proto.re, im: warped * proto.im } : div({ re: warped, im: 0 }, proto);
    const z = div({ re: fs2 + s.re, im: s.im }, { re: fs2 - s.re, im: -s.im });
    const a1 = -2 * z.re;
    const a2 = z.re * z.re + z.im * z.im;
    if (type === 'lowpass') {
      const g = (1 + a1 + a2) / 4;
      sections.push([g, 2 * g, g, 1, a1, a2]);
    } else {
      const g = (1 - a1 + a2) / 4;
      sections.push([g, -2 * g, g, 1, a1, a2]);
    }
  }
  if (order % 2 === 1) {
    const s = type === 'lowpass' ? -warped : -warped; // real pole at −ωc (its own inverse image under ωc/p)
    const zp = (fs2 + s) / (fs2 - s);
    const a1 = -zp;
    if (type === 'lowpass') {
      const g = (1 + a1) / 2;
      sections.push([g, g, 0, 1, a1, 0]);
    } else {
      const g = (1 - a1) / 2;
      sections.push([g, -g, 0, 1, a1, 0]);
    }
  }
  return sections;
}

/**
 * Band-pass (both edges), high-pass (`high` null) or low-pass (`low` null) Butterworth sections:
 * a high-pass and a low-pass of `order` each, in cascade.
 */
export function bandpassSections(low: number | null, high: number | null, sampleRate: number, order = 4): Section[] {
  if (low !== null && high !== null && !(low < high)) throw new InvalidArgumentError(`band-pass edges must satisfy low < high, got ${low} and ${high} Hz`);
  return [...(low !== null ? butterworth(order, low, sampleRate, 'highpass') : []), ...(high !== null ? butterworth(order, high, sampleRate, 'lowpass') : [])];
}

/** Steady-state state of each section for a constant input of 1 (scipy's `sosfilt_zi`). */
export function sectionsInitialState(sections: readonly Section[]): Float64Array {
  const zi = new Float64Array(sections.length * 2);
  let scale = 1;
  sections.forEach(([b0, b1, b2, , a1, a2], i) => {
    const gain = (b0 + b1 + b2) / (1 + a1 + a2);
    const z2 = b2 - a2 * gain;
    zi[2 * i] = scale * (b1 - a1 * gain + z2);
    zi[2 * i + 1] = scale * z2;
    scale *= gain;
  });
  return zi;
}

/** Filters `x` in place through the sections (transposed direct form II), from state `zi` (modified). */
export function sosFilterInPlace(sections: readonly Section[], x: Float64Array, zi?: Float64Array): void {
  const state = zi ?? new Float64Array(sections.length * 2);
  sections.forEach(([b0, b1, b2, , a1, a2], i) => {
    let z1 = state[2 * i]!;
    let z2 = state[2 * i + 1]!;
    for (let n = 0; n < x.length; n++) {
      const v = x[n]!;
      const y = b0 * v + z1;
      z1 = b1 * v - a1 * y + z2;
      z2 = b2 * v - a2 * y;
      x[n] = y;
    }
    state[2 * i] = z1;
    state[2 * i + 1] = z2;
  });
}

/** scipy's default padding of sosfiltfilt: 3 × (2·sections + 1 − trailing zero coefficients). */
export function defaultPadLength(sections: readonly Section[]): number {
  const zerosB = sections.filter((s) => s[2] === 0).length;
  const zerosA = sections.filter((s) => s[5] === 0).length;
  return 3 * (2 * sections.length + 1 - Math.min(zerosB, zerosA));
}

/**
 * Zero-phase filtering (scipy.signal.sosfiltfilt): odd extension by `padLength` samples at both
 * ends, forward pass from the steady state of the first value, backward pass from the steady state
 * of the last output; the result has the squared magnitude response and no phase shift.
 */
export function filtfilt(sections: readonly Section[], x: ArrayLike<number>, padLength = defaultPadLength(sections)): Float64Array {
  const n = x.length;
  if (sections.length === 0) return Float64Array.from(x);
  const pad = Math.min(padLength, Math.max(0, n - 1));
  const ext = new Float64Array(n + 2 * pad);
  const x0 = x[0]!;
  const xn = x[n - 1]!;
  for (let i = 0; i < pad; i++) {
    ext[i] = 2 * x0 - x[pad - i]!;
    ext[n + pad + i] = 2 * xn - x[n - 2 - i]!;
  }
  for (let i = 0; i < n; i++) ext[pad + i] = x[i]!;
  const zi = sectionsInitialState(sections);
  const forward = zi.map((v) => v * ext[0]!);
  sosFilterInPlace(sections, ext, forward);
  ext.reverse();
  const backward = zi.map((v) => v * ext[0]!);
  sosFilterInPlace(sections, ext, backward);
  ext.reverse();
  return ext.slice(pad, pad + n);
}

/** Magnitude of the sections' frequency response at `frequency` Hz (one pass). */
export function sectionsGain(sections: readonly Section[], frequency: number, sampleRate: number): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  let g = 1;
  for (const [b0, b1, b2, , a1, a2] of sections) {
    const num = { re: b0 + b1 * Math.cos(w) + b2 * Math.cos(2 * w), im: -(b1 * Math.sin(w) + b2 * Math.sin(2 * w)) };
    const den = { re: 1 + a1 * Math.cos(w) + a2 * Math.cos(2 * w), im: -(a1 * Math.sin(w) + a2 * Math.sin(2 * w)) };
    g *= Math.hypot(num.re, num.im) / Math.hypot(den.re, den.im);
  }
  return g;
}
