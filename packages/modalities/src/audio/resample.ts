/**
 * Band-limited resampling with a Kaiser-windowed sinc (polyphase when both rates are integers):
 * y[m] = Σ_n x[n]·h(m·from/to − n), where h is an ideal low-pass at `rolloff` × the lower
 * Nyquist frequency, truncated to ±`zeroCrossings` of its zero crossings and tapered by a Kaiser
 * window. Samples outside the signal count as zeros.
 */
export interface ResampleOptions {
  /** Zero crossings of the sinc kept on each side; default 32 (longer: sharper transition band). */
  readonly zeroCrossings?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency; default 0.92. */
  readonly rolloff?: number;
  /** Kaiser window β; default 8.6 (stop band below about −80 dB). */
  readonly beta?: number;
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

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Output length for `n` input samples: ⌈n·to/from⌉ (as librosa). */
export function resampledLength(n: number, from: number, to: number): number {
  return Math.ceil((n * to) / from - 1e-9);
}

/** Resamples `signal` from `from` Hz to `to` Hz; returns a copy when the rates are equal. */
export function resample(signal: ArrayLike<number>, from: number, to: number, options: ResampleOptions = {}): Float32Array {
  if (!(from > 0 && to > 0 && Number.isFinite(from) && Number.isFinite(to))) throw new RangeError(`resample: rates must be positive, got ${from} → ${to} Hz`);
  if (from === to) return Float32Array.from(signal);
  const zeroCrossings = options.zeroCrossings ?? 32;
  const rolloff = options.rolloff ?? 0.92;
  const beta = options.beta ?? 8.6;
  if (!(rolloff > 0 && rolloff <= 1)) throw new RangeError(`resample: rolloff must be in (0, 1], got ${rolloff}`);
  if (!(zeroCrossings >= 1)) throw new RangeError(`resample: zeroCrossings must be ≥ 1, got ${zeroCrossings}`);

  // Cut-off in cycles per input sample; the kernel's zero crossings are 1/(2ν) input samples apart.
  const nu = (rolloff * Math.min(from, to)) / 2 / from;
  const halfWidth = zeroCrossings / (2 * nu);
  const i0Beta = besselI0(beta);
  const kernel = (t: number): number => {
    const u = t / halfWidth;
    if (u <= -1 || u >= 1) return 0;
    const window = besselI0(beta * Math.sqrt(1 - u * u)) / i0Beta;
    const z = 2 * nu * t;
    const sinc = z === 0 ? 1 : Math.sin(Math.PI * z) / (Math.PI * z);
    return 2 * nu * sinc * window;
  };

  const n = signal.length;
  const outLength = resampledLength(n, from, to);
  const out = new Float32Array(outLength);
  const taps = Math.floor(halfWidth) + 1;

  // Integer rates: position m·from/to = (m·M)/L has only L distinct fractional phases.
  const integral = Number.isInteger(from) && Number.isInteger(to);
  const g = integral ? gcd(from, to) : 1;
  const L = to / g;
  const M = from / g;
  const polyphase = integral && L <= 4096;
  const bank = new Map<number, Float64Array>();
  const coefficients = (frac: number, phase: number): Float64Array => {
    let h = polyphase ? bank.get(phase) : undefined;
    if (!h) {
      h = new Float64Array(2 * taps + 1);
      for (let j = -taps; j <= taps; j++) h[j + taps] = kernel(frac - j); // weight of x[base + j]
      if (polyphase) bank.set(phase, h);
    }
    return h;
  };

  for (let m = 0; m < outLength; m++) {
    let base: number;
    let frac: number;
    let phase = 0;
    if (polyphase) {
      const num = m * M;
      base = Math.floor(num / L);
      phase = num - base * L;
      frac = phase / L;
    } else {
      const pos = (m * from) / to;
      base = Math.floor(pos);
      frac = pos - base;
    }
    const h = coefficients(frac, phase);
    let acc = 0;
    const lo = Math.max(-taps, -base);
    const hi = Math.min(taps, n - 1 - base);
    for (let j = lo; j <= hi; j++) acc += signal[base + j]! * h[j + taps]!;
    out[m] = acc;
  }
  return out;
}
