/**
 * The reference recordings written by EDFlib and read by MNE-Python 1.3.0
 * (../shared/fixtures/eeg/expected.json): channel names, start, annotations exactly, and the
 * samples of the 256 Hz channels within one quantisation step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEdfBytes, readEdfFile } from '../src/eeg/edf-reader.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'eeg');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  files: Record<string, {
    channels: string[]; meas_date: string; n_times_at_256Hz: number;
    annotations: { onset: number; duration: number; description: string }[];
    signals_256Hz: Record<string, { first_16_uV: number[]; mean_uV: number; std_uV: number; sample_832_uV: number; n_samples: number }>;
  }>;
};

describe.each(['recording.edf', 'recording.bdf'])('%s (EDFlib → MNE reference)', (name) => {
  const want = expected.files[name]!;
  const rec = readEdfFile(join(FIXTURES, name));

  it('has the format, channel names, start and annotations MNE reads', () => {
    expect(existsSync(join(FIXTURES, name))).toBe(true);
    expect(rec.format).toBe(name.endsWith('.bdf') ? 'BDF+C' : 'EDF+C');
    expect(rec.channels.map((c) => c.label)).toEqual(want.channels);
    expect(rec.start?.toISOString()).toBe(new Date(want.meas_date).toISOString());
    expect(rec.annotations.map((a) => ({ onset: a.onset, duration: a.duration, description: a.description }))).toEqual(want.annotations);
    expect(rec.duration).toBe(want.n_times_at_256Hz / 256);
  });

  it('keeps every channel at its own rate (EOG at 128 Hz)', () => {
    expect(rec.channels.map((c) => c.sampleRate)).toEqual([256, 256, 256, 256, 128]);
    expect(rec.channels.map((c) => c.samples.length)).toEqual([2048, 2048, 2048, 2048, 1024]);
    expect(rec.channels.every((c) => c.unit === 'uV')).toBe(true);
  });

  it('reproduces the 256 Hz samples within one quantisation step', () => {
    for (const [label, s] of Object.entries(want.signals_256Hz)) {
      const ch = rec.channels.find((c) => c.label === label)!;
      const step = ch.resolution;
      expect(step).toBeCloseTo(name.endsWith('.bdf') ? 1000 / 16777215 : 1000 / 65535, 12);
      expect(ch.samples.length).toBe(s.n_samples);
      // expected.json rounds to 6 decimals, so allow that on top of one step.
      s.first_16_uV.forEach((v, i) => expect(Math.abs(ch.samples[i]! - v)).toBeLessThanOrEqual(step + 5e-7));
      expect(Math.abs(ch.samples[832]! - s.sample_832_uV)).toBeLessThanOrEqual(step);
      let sum = 0;
      for (const v of ch.samples) sum += v;
      const mean = sum / ch.samples.length;
      let sq = 0;
      for (const v of ch.samples) sq += (v - mean) ** 2;
      expect(Math.abs(mean - s.mean_uV)).toBeLessThanOrEqual(step);
      expect(Math.abs(Math.sqrt(sq / ch.samples.length) - s.std_uV)).toBeLessThanOrEqual(step);
    }
  });

  it('reads the same from bytes in memory as from disk in small chunks', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
    const fromBytes = readEdfBytes(name, bytes);
    const chunked = readEdfFile(join(FIXTURES, name), { chunkBytes: 1 });
    for (const [i, ch] of rec.channels.entries()) {
      expect(fromBytes.channels[i]!.samples).toEqual(ch.samples);
      expect(chunked.channels[i]!.samples).toEqual(ch.samples);
    }
    expect(chunked.annotations).toEqual(rec.annotations);
  });

  it('plants the ERP on Pz only, inside 3.0–3.5 s', () => {
    const pz = rec.channels.find((c) => c.label === 'Pz')!;
    const fz = rec.channels.find((c) => c.label === 'Fz')!;
    // Pz − its background (channel 2: 30·sin(2π·10t) + 3·cos(2π·0.5t)) is the planted 40·sin(π(t−3)/0.5).
    for (const i of [700, 768, 832, 890]) {
      const t = i / 256;
      const background = 30 * Math.sin(2 * Math.PI * 10 * t) + 3 * Math.cos(2 * Math.PI * 0.5 * t);
      const erp = t >= 3 && t < 3.5 ? 40 * Math.sin((Math.PI * (t - 3)) / 0.5) : 0;
      expect(Math.abs(pz.samples[i]! - background - erp)).toBeLessThan(0.05);
    }
    expect(Math.abs(fz.samples[832]! - (20 * Math.sin(2 * Math.PI * 6 * 3.25) + 3 * Math.cos(2 * Math.PI * 0.5 * 3.25)))).toBeLessThan(0.05);
  });
});
