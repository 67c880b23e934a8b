import { mulberry32, percentile } from '@xai/core';
import { amplitudeToDb, stftMagnitude } from './stft.js';

/**
 * The AudioMNIST pre-processing of Becker et al. (2018), "Interpreting and explaining deep neural
 * networks for classification of audio signals" (soerenab/AudioMNIST, preprocess_data.py):
 * resample to 8 kHz, embed into 8000 zeros at an offset (random for training), then either
 * - spectrogram (AlexNet): scipy STFT with a 455-sample Hann window and 420 overlap (hop 35),
 *   |Zxx[0:227, 2:-1]| (bins 0…226 = 0…3973.6 Hz, frames 2…228 = 8.75…997.5 ms),
 *   librosa `amplitude_to_db(ref=max)` (top 80 dB) → [227, 227, 1];
 * - waveform (AudioNet): the 8000 samples, scaled → [8000, 1].
 */
export const AUDIOMNIST = {
  sampleRate: 8000,
  length: 8000,
  windowLength: 455,
  overlap: 420,
  hop: 35,
  /** Frequency bins kept (0 … 226). */
  bins: 227,
  /** Frames kept: 227, starting at STFT frame 2. */
  frames: 227,
  firstFrame: 2,
  topDb: 80,
} as const;

/** Where a recording goes in the fixed-length window. */
export type Placement = 'center' | 'random' | number;

export interface Embedded {
  readonly window: Float32Array;
  /**
   * Index in the window of the recording's first sample; negative when a recording longer than
   * the window was cropped. Recording sample i sits at window index i + offset.
   */
  readonly offset: number;
  /** Recording samples that did not fit into the window. */
  readonly cropped: number;
}

/**
 * Puts `signal` into `length` zeros. 'random' draws the offset uniformly from [0, length − n)
 * as AudioMNIST does (seeded); 'center' uses ⌊(length − n)/2⌋. A recording longer than the
 * window is cropped: 'center' keeps the `length` samples with the most energy, 'random' a random
 * stretch, a number is used as the offset as it is.
 */
export function embedRecording(signal: ArrayLike<number>, length: number, placement: Placement = 'center', seed = 0): Embedded {
  const n = signal.length;
  let offset: number;
  if (typeof placement === 'number') {
    if (!Number.isInteger(placement)) throw new RangeError(`offset must be an integer number of samples, got ${placement}`);
    offset = placement;
  } else if (placement === 'random') {
    const span = Math.abs(length - n);
    const r = span === 0 ? 0 : Math.floor(mulberry32(seed)() * span);
    offset = n <= length ? r : -r;
  } else if (placement === 'center') {
    offset = n <= length ? Math.floor((length - n) / 2) : -loudestStretch(signal, length);
  } else {
    throw new RangeError(`unknown placement '${String(placement)}' (center, random or a sample offset)`);
  }
  const window = new Float32Array(length);
  let kept = 0;
  for (let i = Math.max(0, -offset); i < n && i + offset < length; i++) {
    window[i + offset] = signal[i]!;
    kept++;
  }
  return { window, offset, cropped: n - kept };
}

/** Start of the `length`-sample stretch with the largest energy (prefix sums). */
function loudestStretch(signal: ArrayLike<number>, length: number): number {
  let energy = 0;
  for (let i = 0; i < length; i++) energy += signal[i]! ** 2;
  let best = energy;
  let at = 0;
  for (let s = 1; s + length <= signal.length; s++) {
    energy += signal[s + length - 1]! ** 2 - signal[s - 1]! ** 2;
    if (energy > best + 1e-12) {
      best = energy;
      at = s;
    }
  }
  return at;
}

/**
 * 'db': librosa dB relative to the loudest bin, in [−80, 0] (what AudioMNIST's AlexNet saw).
 * 'db-unit': the same mapped to [0, 1] by (dB + 80)/80, so the −80 dB floor (silence) is 0.
 */
export type SpectrogramScaling = 'db' | 'db-unit';

export interface AudioMnistSpectrogram {
  /** [227 bins][227 frames] row-major (= the [227, 227, 1] model input). */
  readonly values: Float32Array;
  /** The same in dB (for plots). */
  readonly db: Float32Array;
  /** Hz of each kept bin. */
  readonly frequencies: Float64Array;
  /** Centre of each kept frame, seconds from the start of the window. */
  readonly times: Float64Array;
}

/** The [227, 227] dB spectrogram of an 8000-sample window. */
export function audioMnistSpectrogram(window: ArrayLike<number>, scaling: SpectrogramScaling = 'db-unit'): AudioMnistSpectrogram {
  const { sampleRate, windowLength, hop, bins, frames, firstFrame, topDb } = AUDIOMNIST;
  const full = stftMagnitude(window, { sampleRate, windowLength, hop });
  if (full.frames < firstFrame + frames) {
    throw new RangeError(`a ${window.length}-sample window gives ${full.frames} STFT frames, fewer than the ${firstFrame + frames} needed`);
  }
  const crop = new Float64Array(bins * frames);
  for (let k = 0; k < bins; k++) {
    for (let j = 0; j < frames; j++) crop[k * frames + j] = full.magnitudes[k * full.frames + j + firstFrame]!;
  }
  const db = amplitudeToDb(crop, { topDb });
  const values = new Float32Array(db.length);
  for (let i = 0; i < db.length; i++) values[i] = scaling === 'db' ? db[i]! : (db[i]! + topDb) / topDb;
  return {
    values,
    db: Float32Array.from(db),
    frequencies: full.frequencies.slice(0, bins),
    times: full.times.slice(firstFrame, firstFrame + frames),
  };
}

/**
 * 'peak': divide by max |x| (loudest sample ±1). 'p95': AudioMNIST's AudioNet scaling, divide by
 * (95th percentile of the samples + 0.001). 'none': as read, in [−1, 1).
 */
export type WaveformScaling = 'peak' | 'p95' | 'none';

export function scaleWaveform(window: Float32Array, scaling: WaveformScaling = 'peak'): Float32Array {
  let divisor = 1;
  if (scaling === 'peak') {
    let max = 0;
    for (let i = 0; i < window.length; i++) max = Math.max(max, Math.abs(window[i]!));
    divisor = max > 0 ? max : 1;
  } else if (scaling === 'p95') {
    divisor = percentile(window, 95) + 0.001;
  } else if (scaling !== 'none') {
    throw new RangeError(`unknown waveform scaling '${String(scaling)}' (peak, p95 or none)`);
  }
  const out = new Float32Array(window.length);
  for (let i = 0; i < window.length; i++) out[i] = window[i]! / divisor;
  return out;
}
