/**
 * Band-limited resampling with a Kaiser-windowed sinc, for every modality (audio to the model's
 * rate, EEG epochs to the model's rate). Output sample j sits at input position offset + j·from/to;
 * its value is Σ_i x[i]·h(i − position), where h is an ideal low-pass at `rolloff` × the lower
 * Nyquist frequency, truncated to ±`zeroCrossings` of its zero crossings and tapered by a Kaiser
 * window of parameter β. The conventions that differ between fields are options: what lies beyond
 * the ends (zeros as librosa, or the mirrored signal as MNE) and whether each output is divided by
 * the sum of its weights (constants stay exact).
 */
import { InvalidArgumentError } from '@xai/core';

export interface ResampleOptions {
  /** Zero crossings of the sinc kept on each side; default 32 (more: sharper transition band). */
  readonly zeroCrossings?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency; default 0.92. */
  readonly rolloff?: number;
  /** Kaiser window β; default 8.6 (side lobes below about −80 dB). */
  readonly beta?: number;
  /** Samples beyond the ends: 'zeros' (default) or 'mirror' (…, x2, x1, [x0 … x_{n−1}], x_{n−2}, …). */
  readonly edges?: 'zeros' | 'mirror';
  /** Divide each output by the sum of its kernel weights; default false. */
  readonly normalise?: boolean;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

const windows = new Map<number, Float64Array>();

/** Kaiser window w(r) = I0(β√(1 − r²)) / I0(β) on 4097 points of r ∈ [0, 1] (linear interpolation in between). */
function kaiserTable(beta: number): Float64Array {
  let t = windows.get(beta);
  if (!t) {
    const i0 = besselI0(beta);
    t = Float64Array.from({ length: 4097 }, (_, k) => besselI0(beta * Math.sqrt(Math.max(0, 1 - (k / 4096) ** 2))) / i0);
    windows.set(beta, t);
  }
  return t;
}

/** The EEG convention (as MNE): 16 zero crossings, cut-off at 0.95 × Nyquist, mirrored ends, normalised weights. */
export const EEG_RESAMPLING: ResampleOptions = { zeroCrossings: 16, rolloff: 0.95, edges: 'mirror', normalise: true };

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Cut-off in cycles per input sample. */
const cutoff = (from: number, to: number, options: ResampleOptions) => 0.5 * Math.min(1, to / from) * (options.rolloff ?? 0.92);

/** Kernel half-width in input samples of a resampling from `from` Hz to `to` Hz. */
export function resampleHalfWidth(from: number, to: number, options: ResampleOptions = {}): number {
  return (options.zeroCrossings ?? 32) / (2 * cutoff(from, to, options));
}

/**
 * `count` samples at `to` Hz of the band-limited signal behind `x` (sampled at `from` Hz), the
 * first at input position `offset` (in input samples, may be fractional).
 */
export function resampleAt(x: ArrayLike<number>, from: number, to: number, count: number, offset = 0, options: ResampleOptions = {}): Float32Array {
  if (!(from > 0 && to > 0 && Number.isFinite(from) && Number.isFinite(to))) throw new InvalidArgumentError(`sample rates must be positive, got ${from} and ${to} Hz`);
  const rolloff = options.rolloff ?? 0.92;
  const zeroCrossings = options.zeroCrossings ?? 32;
  if (!(rolloff > 0 && rolloff <= 1)) throw new InvalidArgumentError(`resampling rolloff must be in (0, 1], got ${rolloff}`);
  if (!(zeroCrossings >= 1)) throw new InvalidArgumentError(`resampling zeroCrossings must be ≥ 1, got ${zeroCrossings}`);
  const n = x.length;
  const out = new Float32Array(count);
  if (n === 0) return out;
  const fc = cutoff(from, to, options);
  const half = resampleHalfWidth(from, to, options);
  const table = kaiserTable(options.beta ?? 8.6);
  const last = table.length - 1;
  const mirror = options.edges === 'mirror';
  const normalise = options.normalise ?? false;
  const at = (i: number): number => {
    if (i >= 0 && i < n) return x[i]!;
    if (!mirror) return 0;
    if (n === 1) return x[0]!;
    const period = 2 * (n - 1);
    let k = ((i % period) + period) % period;
    if (k >= n) k = period - k;
    return x[k]!;
  };
  // Weights of x[lo … lo + len) for an output at input position lo + frac, frac ∈ [0, 1).
  const taps = Math.floor(half) + 1;
  const weights = (frac: number): Float64Array => {
    const w = new Float64Array(2 * taps + 1);
    for (let j = -taps; j <= taps; j++) {
      const d = j - frac;
      if (Math.abs(d) > half) continue;
      const p = (Math.abs(d) / half) * last;
      const k = Math.min(last - 1, Math.floor(p));
      const window = table[k]! + (table[k + 1]! - table[k]!) * (p - k);
      const arg = 2 * fc * d;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      w[j + taps] = (normalise ? 1 : 2 * fc) * sinc * window;
    }
    return w;
  };
  // Integer rates and offset: positions (offset·L + j·M)/L take only L distinct fractional phases.
  const integral = Number.isInteger(from) && Number.isInteger(to) && Number.isInteger(offset);
  const g = integral ? gcd(from, to) : 1;
  const [L, M] = [to / g, from / g];
  const bank = integral && L <= 4096 ? new Map<number, Float64Array>() : null;
  for (let j = 0; j < count; j++) {
    let base: number;
    let frac: number;
    let w: Float64Array;
    if (bank) {
      const num = j * M;
      base = offset + Math.floor(num / L);
      const phase = num % L;
      frac = phase / L;
      w = bank.get(phase) ?? bank.set(phase, weights(frac)).get(phase)!;
    } else {
      const u = offset + (j * from) / to;
      base = Math.floor(u);
      frac = u - base;
      w = weights(frac);
    }
    let acc = 0;
    let sum = 0;
    for (let k = -taps; k <= taps; k++) {
      const wk = w[k + taps]!;
      if (wk === 0) continue;
      acc += wk * at(base + k);
      sum += wk;
    }
    out[j] = normalise ? acc / sum : acc;
  }
  return out;
}

/** Output length for `n` input samples: ⌈n·to/from⌉ (as librosa). */
export function resampledLength(n: number, from: number, to: number): number {
  return Math.ceil((n * to) / from - 1e-9);
}

/**
 * `signal` resampled from `from` Hz to `to` Hz (resampledLength samples, the first ones
 * coinciding); a copy when the rates are equal. The defaults follow librosa's 'kaiser_best'
 * (32 zero crossings, cut-off at 0.92 × the lower Nyquist frequency, zeros beyond the ends).
 */
export function resample(signal: ArrayLike<number>, from: number, to: number, options: ResampleOptions = {}): Float32Array {
  if (from === to && from > 0) return Float32Array.from(signal);
  return resampleAt(signal, from, to, resampledLength(signal.length, from, to), 0, options);
}
