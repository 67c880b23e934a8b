/** Pre-processing numbers: Butterworth design and zero-phase filtering (against scipy), resampling, epochs, band split. */
import { describe, expect, it } from 'vitest';
import { writeEdfPlus } from '../src/eeg/edf-writer.js';
import { readEdfBytes } from '../src/eeg/edf-reader.js';
import { bandpassSections, butterworth, filtfilt, sectionsGain } from '../src/eeg/filters.js';
import { defaultChannels, extractEpochs, findEvents, selectChannels, standardizeInPlace } from '../src/eeg/preprocess.js';
import { EEG_RESAMPLING, resample } from '../src/dsp/resample.js';
import { bandComponents, bandRelevance, EEG_BANDS } from '../src/eeg/spectral.js';

const x = Array.from({ length: 200 }, (_, i) => Math.sin(i * 0.3) + 0.5 * Math.cos(i * 0.05) + (i % 7) * 0.1);

describe('Butterworth filters and forward-backward filtering', () => {
  // scipy 1.10: sosfiltfilt(butter(…, output='sos'), x) with default odd padding.
  it.each([
    ['low-pass order 3, 10 Hz at 100 Hz', butterworth(3, 10, 100, 'lowpass'), [0, 1, 50, 199], [0.49699329614378174, 0.9153993347523229, 0.5238093826557333, -0.15608880965475297]],
    ['high-pass order 5, 2 Hz at 100 Hz', butterworth(5, 2, 100, 'highpass'), [0, 1, 50, 199], [0.0002575048207873465, 0.39082208981158884, 0.46701732560774034, 0.21330447207477543]],
    ['band-pass 1–12 Hz order 4 at 128 Hz', bandpassSections(1, 12, 128, 4), [0, 1, 50, 100, 199], [0.20154386227693982, 0.6089633644922755, 0.4019748787025368, -0.92890416291015, -0.25710191231734825]],
  ] as const)('%s matches scipy.signal.sosfiltfilt', (_, sections, at, want) => {
    const y = filtfilt(sections, x);
    at.forEach((k, i) => expect(y[k]).toBeCloseTo(want[i]!, 10));
  });

  it('has −3 dB at the cut-offs per pass (−6 dB forward-backward), a flat pass band and a steep stop band', () => {
    const s = bandpassSections(0.5, 12, 256, 4);
    expect(sectionsGain(s, 6, 256)).toBeCloseTo(1, 2);
    expect(sectionsGain(butterworth(4, 12, 256, 'lowpass'), 12, 256)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(sectionsGain(butterworth(4, 0.5, 256, 'highpass'), 0.5, 256)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(sectionsGain(s, 50, 256) ** 2).toBeLessThan(1e-4); // line noise: < −80 dB after both passes
  });

  it('is zero-phase: a 6 Hz sine comes out in phase, 50 Hz is removed', () => {
    const n = 2048;
    const t = (i: number) => i / 256;
    const sig = Array.from({ length: n }, (_, i) => Math.sin(2 * Math.PI * 6 * t(i)) + Math.sin(2 * Math.PI * 50 * t(i)));
    const y = filtfilt(bandpassSections(1, 12, 256, 4), sig);
    let err = 0;
    for (let i = 512; i < n - 512; i++) err = Math.max(err, Math.abs(y[i]! - Math.sin(2 * Math.PI * 6 * t(i))));
    expect(err).toBeLessThan(0.01);
  });

  it('refuses cut-offs outside (0, Nyquist) and inverted bands', () => {
    expect(() => butterworth(4, 200, 256, 'lowpass')).toThrow(/lowpass cutoff 200 Hz must lie between 0 and the Nyquist frequency 128 Hz/);
    expect(() => bandpassSections(10, 5, 256)).toThrow(/low < high/);
  });
});

describe('resampling', () => {
  it.each([[256, 64, 5], [256, 100, 10], [128, 256, 20], [500, 128, 30]])('%i → %i Hz keeps a %i Hz sine to 1e-4', (from, to, f) => {
    const x = Float64Array.from({ length: from * 4 }, (_, i) => Math.sin((2 * Math.PI * f * i) / from + 0.3));
    const y = resample(x, from, to, EEG_RESAMPLING);
    expect(y.length).toBe(to * 4);
    for (let j = to; j < 3 * to; j++) expect(Math.abs(y[j]! - Math.sin((2 * Math.PI * f * j) / to + 0.3))).toBeLessThan(1e-4);
  });

  it('removes what the new rate cannot hold instead of aliasing it, and keeps constants exact', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => 2 + Math.sin((2 * Math.PI * 40 * i) / 250));
    const y = resample(x, 250, 64, EEG_RESAMPLING); // 40 Hz > 32 Hz Nyquist
    for (let j = 20; j < y.length - 20; j++) expect(Math.abs(y[j]! - 2)).toBeLessThan(1e-3);
    expect(Array.from(resample(new Float64Array(100).fill(-3), 100, 37, EEG_RESAMPLING))).toEqual(new Array(37).fill(-3));
  });
});

/** A recording with two channels at different rates and impulses at known times. */
function recording() {
  const rate = 200;
  const n = rate * 10;
  const cz = Float32Array.from({ length: n }, (_, i) => 10 + 20 * Math.sin((2 * Math.PI * 3 * i) / rate));
  const pz = Float32Array.from({ length: n / 2 }, (_, i) => -5 + (i >= 400 && i < 420 ? 50 : 0)); // 100 Hz, step at 4.0–4.2 s
  const bytes = writeEdfPlus([
    { label: 'EEG Cz', unit: 'uV', sampleRate: rate, samples: cz },
    { label: 'EEG Pz', unit: 'mV', sampleRate: 100, samples: pz, physicalMin: -100, physicalMax: 100 },
    { label: 'EOG', unit: 'uV', sampleRate: rate, samples: new Float32Array(n) },
  ], { annotations: [{ onset: 2, duration: 0, description: 'stim' }, { onset: 4, duration: 0.2, description: 'stim' }, { onset: 9.9, duration: 0, description: 'late' }] });
  return readEdfBytes('epochs.edf', bytes);
}

describe('epochs', () => {
  const rec = recording();

  it('selects channels by name in the asked order; default channels skip EOG', () => {
    expect(selectChannels(rec, ['pz', 'EEG Cz']).map((c) => c.label)).toEqual(['EEG Pz', 'EEG Cz']);
    expect(() => selectChannels(rec, ['Oz'])).toThrow(/epochs\.edf: the model needs 1 channel, the recording has 3: EEG Cz, EEG Pz, EOG; missing: Oz/);
    expect(defaultChannels(rec).map((c) => c.label)).toEqual(['EEG Cz', 'EEG Pz']);
    expect(findEvents(rec, 'stim').map((e) => e.onset)).toEqual([2, 4]);
    expect(findEvents(rec, '/^(stim|late)$/').length).toBe(3);
  });

  it('cuts epochs around events at a common rate, in µV, with baseline correction', () => {
    const events = findEvents(rec, 'stim').map((e) => e.onset);
    const epochs = extractEpochs(rec, events, { channels: ['Cz', 'Pz'], sampleRate: 100, tmin: -0.1, tmax: 0.4, baseline: [-0.1, 0] });
    expect(epochs).toHaveLength(2);
    const [first, second] = epochs;
    expect(first!.channels).toEqual(['Cz', 'Pz']);
    expect(first!.units).toEqual(['µV', 'µV']);
    expect([first!.samples, first!.sampleRate, first!.tmin]).toEqual([50, 100, -0.1]);
    // Cz resampled 200 → 100 Hz: 10 + 20·sin(2π·3t), minus the baseline mean over [−0.1, 0)
    const cz = (t: number) => 10 + 20 * Math.sin(2 * Math.PI * 3 * t);
    let base = 0;
    for (let j = 0; j < 10; j++) base += cz(2 - 0.1 + j / 100);
    base /= 10;
    for (let j = 0; j < 50; j++) expect(first!.data[j]).toBeCloseTo(cz(2 - 0.1 + j / 100) - base, 2);
    // Pz in mV → µV; the second event has the 50 mV step from 0 to 0.2 s, the baseline before it is 0.
    // (16 bits over ±100 mV: one step is 3.05 µV)
    for (let j = 0; j < 10; j++) expect(Math.abs(second!.data[50 + j]!)).toBeLessThan(2);
    for (let j = 12; j < 28; j++) expect(Math.abs(second!.data[50 + j]! - 50_000)).toBeLessThan(2);
    expect(second!.annotations).toEqual([{ onset: 0, duration: 0.2, description: 'stim' }]);
  });

  it('band-passes with a margin, so an epoch equals the same stretch of the filtered recording', () => {
    const one = extractEpochs(rec, [5], { channels: ['Cz'], tmin: 0, samples: 200, bandpass: [1, 8] })[0]!;
    const whole = filtfilt(bandpassSections(1, 8, 200, 4), rec.channels[0]!.samples);
    for (let j = 0; j < 200; j++) expect(one.data[j]).toBeCloseTo(whole[1000 + j]!, 2);
  });

  it('standardises each channel to zero mean and unit variance', () => {
    const [e] = extractEpochs(rec, [3], { channels: ['Cz', 'Pz'], sampleRate: 100, tmin: 0, samples: 100, standardize: 'epoch' });
    for (let c = 0; c < 2; c++) {
      const row = Array.from(e!.data.subarray(c * 100, (c + 1) * 100));
      const mean = row.reduce((a, b) => a + b, 0) / 100;
      const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / 100);
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(sd).toBeCloseTo(c === 0 ? 1 : 0, 4); // Pz is constant there: zeros
    }
    const row = Float32Array.of(1, 2, 3, 4);
    standardizeInPlace(row);
    expect(Array.from(row).map((v) => Number(v.toFixed(4)))).toEqual([-1.3416, -0.4472, 0.4472, 1.3416]);
  });

  it('refuses epochs outside the recording, mixed rates without a target rate, and empty lengths', () => {
    expect(() => extractEpochs(rec, [9.9], { channels: ['Cz'], tmin: 0, tmax: 0.5 })).toThrow(/epochs\.edf: the window 9\.900–10\.395 s is not inside the recorded data \(0–10 s\)/);
    expect(() => extractEpochs(rec, [2], { channels: ['Cz', 'Pz'], tmin: 0, tmax: 0.5 })).toThrow(/different rates \(200, 100 Hz\); give sampleRate/);
    expect(() => extractEpochs(rec, [2], { channels: ['Cz'], tmin: 0 })).toThrow(/positive number of samples/);
  });
});

describe('frequency bands', () => {
  it('splits a signal exactly into band components', () => {
    const rate = 128;
    const sig = Array.from({ length: 128 }, (_, i) => 3 + Math.sin((2 * Math.PI * 2 * i) / rate) + 2 * Math.sin((2 * Math.PI * 10 * i) / rate) + 0.5 * Math.cos((2 * Math.PI * 40 * i) / rate));
    const parts = bandComponents(sig, rate, EEG_BANDS);
    for (let i = 0; i < 128; i++) {
      expect(parts.reduce((s, p) => s + p[i]!, 0)).toBeCloseTo(sig[i]!, 10);
      expect(parts[0]![i]).toBeCloseTo(3 + Math.sin((2 * Math.PI * 2 * i) / rate), 10); // delta (with DC)
      expect(parts[2]![i]).toBeCloseTo(2 * Math.sin((2 * Math.PI * 10 * i) / rate), 10); // alpha
      expect(parts[4]![i]).toBeCloseTo(0.5 * Math.cos((2 * Math.PI * 40 * i) / rate), 10); // gamma
      expect(parts[1]![i]).toBeCloseTo(0, 10);
    }
    // Not a power of two: the direct DFT gives the same split.
    const odd = bandComponents(sig.slice(0, 120), rate, EEG_BANDS);
    for (let i = 0; i < 120; i++) expect(odd.reduce((s, p) => s + p[i]!, 0)).toBeCloseTo(sig[i]!, 9);
  });

  it('shares relevance among bands in proportion to their part of the input; bands sum to the channel total', () => {
    const rate = 64;
    const T = 64;
    const input = Float32Array.from({ length: 2 * T }, (_, i) => (i < T ? Math.sin((2 * Math.PI * 10 * i) / rate) + 0.1 : 2 * Math.sin((2 * Math.PI * 2 * (i - T)) / rate) + 0.1));
    // relevance = the alpha component of channel 0, the delta component of channel 1
    const rel = new Float32Array(2 * T);
    for (let t = 0; t < T; t++) {
      rel[t] = Math.sin((2 * Math.PI * 10 * t) / rate) ** 2;
      rel[T + t] = 0.1 * (2 * Math.sin((2 * Math.PI * 2 * t) / rate) + 0.1);
    }
    const bands = bandRelevance(input, rel, 2, T, rate, EEG_BANDS);
    const total = (c: number) => rel.subarray(c * T, (c + 1) * T).reduce((a, b) => a + b, 0);
    for (let c = 0; c < 2; c++) expect(bands.subarray(c * 5, c * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(total(c), 3);
    expect(bands[2]! / total(0)).toBeGreaterThan(0.9); // channel 0: alpha
    expect(bands[5]!).toBeCloseTo(total(1), 4); // channel 1: relevance ∝ input, all in delta
  });
});
