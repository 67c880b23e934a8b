/** DFT (Bluestein vs the definition), resampling, STFT framing and the AudioMNIST pre-processing. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@xai/core';
import {
  AUDIOMNIST, amplitudeToDb, audioMnistSpectrogram, dft, directDft, embedRecording, hannWindow, resample, resampledLength,
  scaleWaveform, stftFrameCount, stftMagnitude,
} from '../src/index.js';

/** max_k |X_k − Y_k| / max_k |Y_k|. */
function relativeError(a: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }): number {
  let err = 0;
  let norm = 0;
  for (let k = 0; k < b.re.length; k++) {
    err = Math.max(err, Math.hypot(a.re[k]! - b.re[k]!, a.im[k]! - b.im[k]!));
    norm = Math.max(norm, Math.hypot(b.re[k]!, b.im[k]!));
  }
  return err / norm;
}

const tone = (hz: number, rate: number, seconds: number, amplitude = 1) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

/** Frequency (Hz) of the largest |DFT| bin of x over its middle half (1/(n/2·rate) Hz resolution). */
function peakFrequency(x: Float32Array, rate: number): { hz: number; amplitude: number } {
  const mid = x.subarray(Math.floor(x.length / 4), Math.floor((3 * x.length) / 4));
  const { re, im } = dft(mid);
  let best = 0;
  for (let k = 1; k < mid.length / 2; k++) if (Math.hypot(re[k]!, im[k]!) > Math.hypot(re[best]!, im[best]!)) best = k;
  return { hz: (best * rate) / mid.length, amplitude: (2 * Math.hypot(re[best]!, im[best]!)) / mid.length };
}

/** Amplitude of the component at exactly `hz` (correlation over the middle half). */
function amplitudeAt(x: Float32Array, hz: number, rate: number): number {
  let c = 0;
  let s = 0;
  const a = Math.floor(x.length / 4);
  const b = Math.floor((3 * x.length) / 4);
  for (let i = a; i < b; i++) {
    c += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    s += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(c, s)) / (b - a);
}

describe('DFT of any length', () => {
  it('Bluestein matches the direct O(n²) DFT at 455 points (random complex input) to 1e-9 relative', () => {
    const random = mulberry32(455);
    const re = Float64Array.from({ length: 455 }, () => random() * 2 - 1);
    const im = Float64Array.from({ length: 455 }, () => random() * 2 - 1);
    const error = relativeError(dft(re, im), directDft(re, im));
    expect(error).toBeLessThan(1e-9);
    expect(error).toBeGreaterThan(0); // a real computation, not the reference itself
  });

  it('other lengths (primes, odd, powers of two) agree too, and a single bin lands where it should', () => {
    const random = mulberry32(7);
    for (const n of [1, 2, 3, 7, 64, 97, 227, 256, 1000]) {
      const re = Float64Array.from({ length: n }, () => random() - 0.5);
      const im = Float64Array.from({ length: n }, () => random() - 0.5);
      expect(relativeError(dft(re, im), directDft(re, im)), `n = ${n}`).toBeLessThan(1e-9);
    }
    // e^{2πi·5n/455} has all its energy in bin 5
    const n = 455;
    const x = dft(Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 5 * t) / n)), Float64Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * 5 * t) / n)));
    expect(x.re[5]).toBeCloseTo(n, 9);
    for (let k = 0; k < n; k++) if (k !== 5) expect(Math.hypot(x.re[k]!, x.im[k]!)).toBeLessThan(1e-9);
  });
});

describe('resampling', () => {
  it('keeps a tone at its frequency and amplitude (44.1, 22.05, 48, 16 kHz → 8 kHz; 8 → 22.05 kHz)', () => {
    for (const [hz, from, to] of [[440, 44100, 8000], [1234, 22050, 8000], [3000, 48000, 8000], [700, 16000, 8000], [440, 8000, 22050]] as const) {
      const y = resample(tone(hz, from, 1), from, to);
      expect(y.length).toBe(resampledLength(Math.round(from), from, to));
      const peak = peakFrequency(y, to);
      expect(Math.abs(peak.hz - hz), `${hz} Hz ${from} → ${to}`).toBeLessThanOrEqual(2 * (to / (y.length / 2)) / 2); // within one DFT bin
      expect(amplitudeAt(y, hz, to)).toBeGreaterThan(0.99);
      expect(amplitudeAt(y, hz, to)).toBeLessThan(1.01);
    }
  });

  it('removes what the new rate cannot hold instead of aliasing it (4.6 kHz tone → 8 kHz: < −60 dB at 3.4 kHz)', () => {
    const x = tone(4600, 22050, 1);
    const y = resample(x, 22050, 8000);
    expect(amplitudeAt(y, 3400, 8000)).toBeLessThan(1e-3);
    // picking the nearest input sample instead would alias it at full strength
    const naive = Float32Array.from({ length: 8000 }, (_, i) => x[Math.round((i * 22050) / 8000)] ?? 0);
    expect(amplitudeAt(naive, 3400, 8000)).toBeGreaterThan(0.5);
  });
});

describe('STFT and the AudioMNIST spectrogram', () => {
  it('frames like scipy.signal.stft: 230 frames for 8000 samples, frame j centred on sample 35·j, bins every 8000/455 Hz', () => {
    expect(stftFrameCount(8000, 455, 35)).toBe(230);
    const x = Float64Array.from({ length: 8000 }, (_, i) => Math.sin(i * 0.01) + 0.3 * Math.cos(i * 0.7));
    const s = stftMagnitude(x, { sampleRate: 8000, windowLength: 455, hop: 35 });
    expect([s.bins, s.frames]).toEqual([228, 230]);
    expect(s.frequencies[1]).toBeCloseTo(8000 / 455, 12);
    expect(s.times[3]).toBeCloseTo((3 * 35) / 8000, 12);
    // frame j by the definition: zero-extended by 227 at the start, windowed, direct DFT, / Σw
    const w = hannWindow(455);
    const windowSum = w.reduce((a, b) => a + b, 0);
    for (const j of [0, 1, 57, 229]) {
      const frame = Float64Array.from({ length: 455 }, (_, i) => (x[j * 35 - 227 + i] ?? 0) * w[i]!);
      const ref = directDft(frame);
      for (const k of [0, 1, 10, 100, 227]) {
        expect(s.magnitudes[k * s.frames + j]).toBeCloseTo(Math.hypot(ref.re[k]!, ref.im[k]!) / windowSum, 9);
      }
    }
  });

  it('the periodic Hann window and librosa dB (ref = max, 80 dB floor)', () => {
    const w = hannWindow(455);
    expect(w[0]).toBe(0);
    expect(w[227]).toBeCloseTo(0.5 - 0.5 * Math.cos((2 * Math.PI * 227) / 455), 15);
    expect(w[1]).toBeCloseTo(w[454]!, 15); // periodic: symmetric about n = 227.5, not about 227
    const db = amplitudeToDb([1, 0.1, 0.001, 1e-6, 0]);
    expect(Array.from(db)).toEqual([0, -20, -60, -80, -80].map((v) => expect.closeTo(v, 9)));
  });

  it('AudioMNIST: 227 × 227 crop (0 … 3973.6 Hz, 8.75 … 997.5 ms), tone in the right bin, values scaled as asked', () => {
    const { window } = embedRecording(tone(1000, 8000, 0.5, 0.5), 8000, 'center');
    const unit = audioMnistSpectrogram(window, 'db-unit');
    const db = audioMnistSpectrogram(window, 'db');
    expect(unit.values.length).toBe(227 * 227);
    expect(unit.frequencies.length).toBe(227);
    expect(unit.frequencies[226]).toBeCloseTo((226 * 8000) / 455, 9);
    expect(unit.times[0]).toBeCloseTo(0.00875, 12);
    expect(unit.times[226]).toBeCloseTo(0.9975, 12);
    // loudest bin: 1000 Hz / 17.58 Hz ≈ bin 57, in a frame in the middle of the window
    let best = 0;
    for (let i = 0; i < db.values.length; i++) if (db.values[i]! > db.values[best]!) best = i;
    expect(Math.floor(best / 227)).toBe(57);
    expect(db.values[best]).toBe(0);
    expect(Math.min(...db.values)).toBe(-80);
    for (let i = 0; i < unit.values.length; i += 997) expect(unit.values[i]).toBeCloseTo((db.values[i]! + 80) / 80, 6);
    // the window's start and end are silence (the recording is centred): floor
    expect(db.values[57 * 227 + 0]).toBe(-80);
    expect(db.values[57 * 227 + 113]).toBeGreaterThan(-3);
  });

  it('embedding: centred, seeded random in [0, 8000 − n), cropping long recordings to their loudest second', () => {
    const x = tone(500, 8000, 0.3);
    expect(embedRecording(x, 8000, 'center').offset).toBe(2800);
    const offsets = [1, 2, 3, 4, 5].map((seed) => embedRecording(x, 8000, 'random', seed).offset);
    expect(offsets).toEqual([1, 2, 3, 4, 5].map((seed) => embedRecording(x, 8000, 'random', seed).offset));
    expect(new Set(offsets).size).toBe(5);
    for (const o of offsets) expect(o >= 0 && o < 5600).toBe(true);
    const e = embedRecording(x, 8000, 1000);
    expect(e.window[999]).toBe(0);
    expect(e.window[1000 + 7]).toBe(x[7]);
    // 2 s: silence, a 0.5 s tone at 1.2 s, silence → the window keeps the tone
    const long = new Float32Array(16000);
    long.set(tone(300, 8000, 0.5), 9600);
    const cropped = embedRecording(long, 8000, 'center');
    expect(cropped.offset).toBeLessThanOrEqual(-9600 + 8000 - 4000);
    expect(cropped.offset).toBeGreaterThanOrEqual(-9600);
    expect(cropped.cropped).toBe(8000);
    expect(AUDIOMNIST.hop).toBe(AUDIOMNIST.windowLength - AUDIOMNIST.overlap);
  });

  it('waveform scaling: peak, AudioMNIST 95th percentile, none', () => {
    const { window } = embedRecording(tone(200, 8000, 0.5, 0.25), 8000, 'center');
    expect(Math.max(...scaleWaveform(window, 'peak'))).toBeCloseTo(1, 6);
    expect(scaleWaveform(window, 'none')).toEqual(window);
    const p95 = scaleWaveform(window, 'p95');
    expect(Math.max(...p95)).toBeGreaterThan(1); // divided by a value below the peak
  });
});
