import { fftPlan } from './dft.js';

/**
 * Short-time Fourier transform magnitudes, computed as `scipy.signal.stft` does with its
 * defaults (which is what AudioMNIST used): the signal is zero-extended by ⌊L/2⌋ samples at both
 * ends (boundary='zeros') and at the end to a whole number of hops (padded=True), each frame is
 * multiplied by the window, transformed (any length L: see `fftPlan`), scaled by 1/Σw
 * (scaling='spectrum'), and the one-sided ⌊L/2⌋ + 1 bins are kept. Frame j is centred on sample
 * j·hop of the signal, i.e. at j·hop/fs seconds; bin k is k·fs/L Hz.
 */
export interface StftOptions {
  readonly sampleRate: number;
  /** Window length L in samples (nperseg). */
  readonly windowLength: number;
  /** Samples between frame starts (nperseg − noverlap). */
  readonly hop: number;
  /** Window of length L; default the periodic Hann window (scipy's `get_window('hann', L)`). */
  readonly window?: Float64Array;
}

export interface MagnitudeSpectrogram {
  /** |STFT|, row-major [bin][frame]. */
  readonly magnitudes: Float64Array;
  readonly bins: number;
  readonly frames: number;
  /** Centre frequency of each bin, Hz. */
  readonly frequencies: Float64Array;
  /** Centre time of each frame in seconds of the signal. */
  readonly times: Float64Array;
}

/** Hann window: periodic (DFT-even, scipy's default for spectra) or symmetric. */
export function hannWindow(length: number, periodic = true): Float64Array {
  const w = new Float64Array(length);
  const denominator = periodic ? length : length - 1;
  for (let n = 0; n < length; n++) w[n] = denominator === 0 ? 1 : 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / denominator);
  return w;
}

/** Number of frames `stftMagnitude` produces for `n` signal samples. */
export function stftFrameCount(n: number, windowLength: number, hop: number): number {
  const extended = n + 2 * Math.floor(windowLength / 2);
  const pad = (((-(extended - windowLength)) % hop) + hop) % hop;
  return Math.floor((extended + pad - windowLength) / hop) + 1;
}

export function stftMagnitude(signal: ArrayLike<number>, options: StftOptions): MagnitudeSpectrogram {
  const { sampleRate, windowLength: L, hop } = options;
  if (!Number.isInteger(L) || L < 2) throw new RangeError(`STFT window length must be an integer ≥ 2, got ${L}`);
  if (!Number.isInteger(hop) || hop < 1 || hop > L) throw new RangeError(`STFT hop must be an integer in [1, ${L}], got ${hop}`);
  const window = options.window ?? hannWindow(L);
  if (window.length !== L) throw new RangeError(`STFT window has ${window.length} values, expected ${L}`);
  let windowSum = 0;
  for (let i = 0; i < L; i++) windowSum += window[i]!;

  const half = Math.floor(L / 2);
  const frames = stftFrameCount(signal.length, L, hop);
  const bins = half + 1;
  const magnitudes = new Float64Array(bins * frames);
  const plan = fftPlan(L);
  const re = new Float64Array(L);
  const im = new Float64Array(L);
  // sample i of frame j is signal[j·hop − half + i] (zero outside the signal)
  const frame = (j: number, out: Float64Array) => {
    const start = j * hop - half;
    for (let i = 0; i < L; i++) {
      const s = start + i;
      out[i] = s >= 0 && s < signal.length ? signal[s]! * window[i]! : 0;
    }
  };
  // Two real frames per complex transform: z = a + i·b gives A_k = (Z_k + conj Z_{L−k})/2 and
  // B_k = (Z_k − conj Z_{L−k})/(2i).
  for (let j = 0; j < frames; j += 2) {
    frame(j, re);
    const pair = j + 1 < frames;
    if (pair) frame(j + 1, im);
    else im.fill(0);
    plan.transform(re, im);
    for (let k = 0; k < bins; k++) {
      const c = k === 0 ? 0 : L - k;
      const zr = re[k]!;
      const zi = im[k]!;
      const cr = re[c]!;
      const ci = -im[c]!; // conj Z_{L−k}
      const ar = (zr + cr) / 2;
      const ai = (zi + ci) / 2;
      magnitudes[k * frames + j] = Math.sqrt(ar * ar + ai * ai) / windowSum;
      if (pair) {
        const br = (zi - ci) / 2;
        const bi = (zr - cr) / 2;
        magnitudes[k * frames + j + 1] = Math.sqrt(br * br + bi * bi) / windowSum;
      }
    }
  }
  const frequencies = Float64Array.from({ length: bins }, (_, k) => (k * sampleRate) / L);
  const times = Float64Array.from({ length: frames }, (_, j) => (j * hop) / sampleRate);
  return { magnitudes, bins, frames, frequencies, times };
}

export interface DecibelOptions {
  /** Magnitudes below this count as this; default 1e-5 (librosa). */
  readonly amin?: number;
  /** Floor at (maximum − topDb) dB; default 80 (librosa); null: no floor. */
  readonly topDb?: number | null;
}

/**
 * librosa's `amplitude_to_db(S, ref=np.max)`: 20·log10(max(amin, S)) − 20·log10(max(amin, max S)),
 * floored at −topDb. The loudest bin is 0 dB.
 */
export function amplitudeToDb(magnitudes: ArrayLike<number>, options: DecibelOptions = {}): Float64Array {
  const amin = options.amin ?? 1e-5;
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  let max = 0;
  for (let i = 0; i < magnitudes.length; i++) max = Math.max(max, magnitudes[i]!);
  const ref = 20 * Math.log10(Math.max(amin, max));
  const out = new Float64Array(magnitudes.length);
  let top = -Infinity;
  for (let i = 0; i < out.length; i++) {
    out[i] = 20 * Math.log10(Math.max(amin, magnitudes[i]!)) - ref;
    top = Math.max(top, out[i]!);
  }
  if (topDb !== null) for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i]!, top - topDb);
  return out;
}
