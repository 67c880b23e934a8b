/** Band-limited resampling to any rate: Kaiser-windowed sinc interpolation with an anti-alias cut-off. */
import { InvalidArgumentError } from '@xai/core';

/** Modified Bessel function of the first kind, order 0 (series; converges fast for the β used here). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

const tables = new Map<number, Float64Array>();

/** Kaiser window w(r) = I0(β√(1 − r²)) / I0(β) on 4097 points of r ∈ [0, 1] (linear interpolation in between). */
function kaiserTable(beta: number): Float64Array {
  let t = tables.get(beta);
  if (!t) {
    const i0 = besselI0(beta);
    t = Float64Array.from({ length: 4097 }, (_, k) => besselI0(beta * Math.sqrt(Math.max(0, 1 - (k / 4096) ** 2))) / i0);
    tables.set(beta, t);
  }
  return t;
}

export interface ResampleOptions {
  /** Zero crossings of the sinc on each side of the kernel; default 16. */
  readonly zeroCrossings?: number;
  /** Kaiser β; default 8.6 (about 80 dB side-lobe attenuation). */
  readonly beta?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency; default 0.95. */
  readonly rolloff?: number;
}

/**
 * `x` sampled at `fromRate`, resampled to `toRate`: output sample m sits at time m / toRate (the
 * first samples coincide); length round(n · toRate / fromRate). When downsampling, the kernel is a
 * low-pass at `rolloff` × the new Nyquist frequency (no aliasing). The signal is mirrored at both
 * ends, and each output divides by the sum of its kernel weights, so constants stay exact.
 */
export function resample(x: ArrayLike<number>, fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new InvalidArgumentError(`sample rates must be positive, got ${fromRate} and ${toRate} Hz`);
  const m = Math.round((x.length * toRate) / fromRate);
  if (fromRate === toRate) return Float32Array.from(x);
  return resampleAt(x, fromRate, toRate, m, 0, options);
}

/** Kernel half-width in input samples of a resampling from `fromRate` to `toRate`. */
export function resampleHalfWidth(fromRate: number, toRate: number, options: ResampleOptions = {}): number {
  const fc = 0.5 * Math.min(1, toRate / fromRate) * (options.rolloff ?? 0.95);
  return (options.zeroCrossings ?? 16) / (2 * fc);
}

/**
 * `count` samples at `toRate` of the band-limited signal behind `x` (sampled at `fromRate`), the
 * first at input position `offset` (in input samples, may be fractional): output j sits at
 * x-position offset + j · fromRate / toRate.
 */
export function resampleAt(x: ArrayLike<number>, fromRate: number, toRate: number, count: number, offset: number, options: ResampleOptions = {}): Float32Array {
  const n = x.length;
  const out = new Float32Array(count);
  if (n === 0) return out;
  const beta = options.beta ?? 8.6;
  const fc = 0.5 * Math.min(1, toRate / fromRate) * (options.rolloff ?? 0.95); // cycles per input sample
  const half = resampleHalfWidth(fromRate, toRate, options);
  const table = kaiserTable(beta);
  const last = table.length - 1;
  const at = (i: number) => {
    // whole-sample mirror: …, x2, x1, [x0, x1, …, x_{n−1}], x_{n−2}, …
    if (n === 1) return x[0]!;
    const period = 2 * (n - 1);
    let k = ((i % period) + period) % period;
    if (k >= n) k = period - k;
    return x[k]!;
  };
  for (let j = 0; j < count; j++) {
    const u = offset + (j * fromRate) / toRate;
    const lo = Math.ceil(u - half);
    const hi = Math.floor(u + half);
    let acc = 0;
    let wsum = 0;
    for (let i = lo; i <= hi; i++) {
      const d = i - u;
      const p = (Math.abs(d) / half) * last;
      const k = Math.min(last - 1, Math.floor(p));
      const window = table[k]! + (table[k + 1]! - table[k]!) * (p - k);
      const arg = 2 * fc * d;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      const w = sinc * window;
      acc += w * at(i);
      wsum += w;
    }
    out[j] = acc / wsum;
  }
  return out;
}
