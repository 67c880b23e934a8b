/**
 * Relevance per frequency band: the input is split exactly into band components with a DFT
 * (x = Σ_b x_b, each x_b the inverse DFT of the bins whose frequency falls in band b), and each
 * time point's relevance is shared among the bands in proportion to their part of the input,
 * R_b(t) = x_b(t) / x(t) · R(t) (a virtual inspection layer: the ε rule through the linear map
 * x_b → x, Vielhaben et al. 2024, "Explainable AI for time series via virtual inspection layers").
 */

export interface Band {
  readonly name: string;
  /** Lower edge in Hz (inclusive). */
  readonly low: number;
  /** Upper edge in Hz (exclusive; Infinity for the last band). */
  readonly high: number;
}

/** The classical EEG bands; DC goes with delta, everything above 30 Hz with gamma. */
export const EEG_BANDS: readonly Band[] = [
  { name: 'delta', low: 0, high: 4 },
  { name: 'theta', low: 4, high: 8 },
  { name: 'alpha', low: 8, high: 13 },
  { name: 'beta', low: 13, high: 30 },
  { name: 'gamma', low: 30, high: Infinity },
];

/** In-place complex DFT of (re, im); inverse without the 1/n factor. Radix-2 for powers of two, direct otherwise. */
export function dft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  const sign = inverse ? 1 : -1;
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) {
    for (let i = 1, j = 0; i < n; i++) {
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        [re[i], re[j]] = [re[j]!, re[i]!];
        [im[i], im[j]] = [im[j]!, im[i]!];
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const ang = (sign * 2 * Math.PI) / len;
      for (let i = 0; i < n; i += len) {
        for (let k = 0; k < len / 2; k++) {
          const wr = Math.cos(ang * k);
          const wi = Math.sin(ang * k);
          const p = i + k;
          const q = p + len / 2;
          const xr = re[q]! * wr - im[q]! * wi;
          const xi = re[q]! * wi + im[q]! * wr;
          re[q] = re[p]! - xr;
          im[q] = im[p]! - xi;
          re[p] += xr;
          im[p] += xi;
        }
      }
    }
    return;
  }
  const cos = Float64Array.from({ length: n }, (_, k) => Math.cos((2 * Math.PI * k) / n));
  const sin = Float64Array.from({ length: n }, (_, k) => sign * Math.sin((2 * Math.PI * k) / n));
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0, idx = 0; t < n; t++, idx = (idx + k) % n) {
      sr += re[t]! * cos[idx]! - im[t]! * sin[idx]!;
      si += re[t]! * sin[idx]! + im[t]! * cos[idx]!;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  re.set(outRe);
  im.set(outIm);
}

/** Band components of a real signal: one array per band, summing to `x` (to rounding). */
export function bandComponents(x: ArrayLike<number>, sampleRate: number, bands: readonly Band[] = EEG_BANDS): Float64Array[] {
  const n = x.length;
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  dft(re, im);
  const bandOf = (k: number) => {
    const f = (Math.min(k, n - k) * sampleRate) / n;
    const b = bands.findIndex((band) => f >= band.low && f < band.high);
    return b >= 0 ? b : bands.length - 1;
  };
  return bands.map((_, b) => {
    const r = new Float64Array(n);
    const i = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      if (bandOf(k) === b) {
        r[k] = re[k]!;
        i[k] = im[k]!;
      }
    }
    dft(r, i, true);
    for (let t = 0; t < n; t++) r[t]! /= n;
    return r;
  });
}

/**
 * Relevance per channel and band of a [channels × time] input and its relevance:
 * result[c·B + b] = Σ_t x_b(c, t) / stab(x(c, t)) · R(c, t), stab(v) = v + ε·sign(v) with ε = 1e-6·max|x|.
 * The bands of a channel sum to (nearly) the channel's total relevance.
 */
export function bandRelevance(input: ArrayLike<number>, relevance: ArrayLike<number>, channels: number, samples: number, sampleRate: number, bands: readonly Band[] = EEG_BANDS): Float64Array {
  const out = new Float64Array(channels * bands.length);
  let maxAbs = 0;
  for (let i = 0; i < channels * samples; i++) maxAbs = Math.max(maxAbs, Math.abs(input[i]!));
  const eps = 1e-6 * (maxAbs || 1);
  for (let c = 0; c < channels; c++) {
    const row = Array.from({ length: samples }, (_, t) => input[c * samples + t]!);
    const parts = bandComponents(row, sampleRate, bands);
    for (let t = 0; t < samples; t++) {
      const v = row[t]!;
      const share = relevance[c * samples + t]! / (v + (v >= 0 ? eps : -eps));
      parts.forEach((p, b) => (out[c * bands.length + b] += p[t]! * share));
    }
  }
  return out;
}
