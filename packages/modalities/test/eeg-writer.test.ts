/** The EDF+ / BDF+ writer: spec-conformant header and TALs, and a lossless-to-quantisation round trip through our reader. */
import { describe, expect, it } from 'vitest';
import { formatFixedWidth } from '../src/eeg/ascii.js';
import { readEdfBytes } from '../src/eeg/edf-reader.js';
import { chooseRecordDuration, writeEdfPlus } from '../src/eeg/edf-writer.js';
import { relevanceExponent } from '../src/eeg/relevance-edf.js';
import { parseTals } from '../src/eeg/tal.js';

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
const annotations = [
  { onset: 0, duration: 0, description: 'start' },
  { onset: 0.75, duration: 0.5, description: 'stimulus/target' },
  { onset: 2.5, duration: 0, description: 'Ereignis ä' },
];

function example(format: 'EDF+' | 'BDF+' = 'EDF+') {
  const a = Float32Array.from({ length: 768 }, (_, i) => 80 * Math.sin(i / 9) + 0.001 * i);
  const b = Float32Array.from({ length: 384 }, (_, i) => (i % 50) - 25);
  const bytes = writeEdfPlus([
    { label: 'EEG Fz', unit: 'µV', sampleRate: 256, samples: a, transducer: 'AgAgCl electrode', prefilter: 'HP:0.1Hz' },
    { label: 'EOG', unit: 'uV', sampleRate: 128, samples: b },
  ], { format, start: new Date(Date.UTC(2021, 2, 4, 5, 6, 7, 250)), annotations, patient: 'MCH-0234567 F 02-MAY-1951 Haagse_Harry' });
  return { a, b, bytes };
}

describe('EDF+ writer', () => {
  it('writes a header EDF+ readers accept: ASCII, version, subfields, EDF+C, annotation signal', () => {
    const { bytes } = example();
    const ns = 3;
    const header = bytes.subarray(0, 256 * (ns + 1));
    expect([...header].every((c) => c >= 32 && c <= 126)).toBe(true);
    const text = latin1(header);
    expect(text.slice(0, 8)).toBe('0       ');
    expect(text.slice(8, 88).trim()).toBe('MCH-0234567 F 02-MAY-1951 Haagse_Harry');
    expect(text.slice(88, 168).trim()).toBe('Startdate 04-MAR-2021 X X xai');
    expect(text.slice(168, 184)).toBe('04.03.2105.06.07');
    expect(text.slice(184, 192)).toBe('1024    ');
    expect(text.slice(192, 236).trim()).toBe('EDF+C');
    expect(text.slice(236, 244)).toBe('3       ');
    expect(text.slice(244, 252)).toBe('1       ');
    expect(text.slice(252, 256)).toBe('3   ');
    expect(text.slice(256, 256 + 48)).toBe('EEG Fz          EOG             EDF Annotations ');
    const col = (offset: number, width: number) => Array.from({ length: ns }, (_, s) => text.slice(256 + ns * offset + s * width, 256 + ns * offset + (s + 1) * width).trim());
    expect(col(16 + 80, 8)).toEqual(['uV', 'uV', '']); // 'µ' is not ASCII
    const { a } = example();
    expect(col(16 + 80 + 8 + 8, 8)).toEqual([formatFixedWidth(Math.max(...a), 8, 'ceil'), '24', '1']);
    expect(Number(col(16 + 80 + 8, 8)[0])).toBeLessThanOrEqual(Math.min(...a));
    expect(col(16 + 80 + 8 * 3, 8)).toEqual(['-32768', '-32768', '-32768']);
    expect(col(16 + 80 + 8 * 4, 8)).toEqual(['32767', '32767', '32767']);
    expect(col(16 + 80 + 8 * 5 + 80, 8).slice(0, 2)).toEqual(['256', '128']);
  });

  it('starts every data record\'s annotation signal with its time-keeping TAL (sub-second start as offset)', () => {
    const { bytes } = example();
    const rec = readEdfBytes('w.edf', bytes);
    const annotationSamples = Number(latin1(bytes.subarray(256 + 3 * 216 + 2 * 8, 256 + 3 * 216 + 3 * 8)).trim());
    const recordSize = (256 + 128 + annotationSamples) * 2;
    for (let k = 0; k < 3; k++) {
      const p = 1024 + k * recordSize + (256 + 128) * 2;
      const tals = parseTals(bytes.subarray(p, p + annotationSamples * 2));
      expect(tals[0]).toEqual({ onset: k + 0.25, duration: 0, texts: [''] });
    }
    expect(rec.start?.toISOString()).toBe('2021-03-04T05:06:07.250Z');
    expect(rec.info.startOffset).toBe('0.25');
  });

  it.each(['EDF+', 'BDF+'] as const)('%s round trip: channels at their rates, values within half a step, annotations and start kept', (format) => {
    const { a, b, bytes } = example(format);
    const rec = readEdfBytes('w', bytes);
    expect(rec.format).toBe(format === 'EDF+' ? 'EDF+C' : 'BDF+C');
    expect(rec.channels.map((c) => [c.label, c.sampleRate, c.samples.length, c.transducer, c.prefilter])).toEqual([
      ['EEG Fz', 256, 768, 'AgAgCl electrode', 'HP:0.1Hz'], ['EOG', 128, 384, '', ''],
    ]);
    expect(rec.annotations).toEqual(annotations);
    expect(rec.info.patientName).toBe('Haagse_Harry');
    for (const [ch, src] of [[rec.channels[0]!, a], [rec.channels[1]!, b]] as const) {
      let worst = 0;
      src.forEach((v, i) => (worst = Math.max(worst, Math.abs(ch.samples[i]! - v))));
      expect(worst).toBeLessThanOrEqual(ch.resolution * 0.5 + 1e-4 * ch.resolution + Math.abs(ch.physicalMax!) * 6e-8);
    }
  });

  it('EDF+D: record onsets with gaps survive the round trip', () => {
    const bytes = writeEdfPlus([{ label: 'EEG Cz', sampleRate: 10, samples: Float32Array.from({ length: 30 }, (_, i) => i) }], {
      recordDuration: 1, recordOnsets: [0, 1, 10], annotations: [{ onset: 10.5, duration: 0, description: 'after gap' }],
    });
    const rec = readEdfBytes('d.edf', bytes);
    expect(rec.format).toBe('EDF+D');
    expect(rec.segments.map((s) => [s.onset, s.duration])).toEqual([[0, 2], [10, 1]]);
    expect(rec.annotations).toEqual([{ onset: 10.5, duration: 0, description: 'after gap' }]);
    expect(rec.start).toBeNull();
  });

  it('chooses a record duration in which every signal fills whole records', () => {
    expect(chooseRecordDuration([{ sampleRate: 256, length: 2048 }, { sampleRate: 128, length: 1024 }])).toEqual({ duration: 1, records: 8, padded: false });
    expect(chooseRecordDuration([{ sampleRate: 64, length: 48 }])).toEqual({ duration: 0.25, records: 3, padded: false });
    expect(chooseRecordDuration([{ sampleRate: 512, length: 512 * 10 }].concat(Array(63).fill({ sampleRate: 512, length: 5120 })))).toEqual({ duration: 0.5, records: 20, padded: false }); // 64 KiB per second > 61440
    expect(chooseRecordDuration([{ sampleRate: 100, length: 250 }])).toEqual({ duration: 0.5, records: 5, padded: false });
    expect(chooseRecordDuration([{ sampleRate: 10, length: 7 }])).toEqual({ duration: 0.1, records: 7, padded: false });
    expect(chooseRecordDuration([{ sampleRate: 3, length: 7 }])).toEqual({ duration: 1, records: 3, padded: true });
  });

  it('formats numbers into the 8-character fields, rounding outward for ranges', () => {
    expect(formatFixedWidth(80.004012, 8, 'ceil')).toBe('80.00402');
    expect(formatFixedWidth(-123.456789, 8, 'floor')).toBe('-123.457');
    expect(formatFixedWidth(-0.000012345, 8, 'floor')).toBe('-0.00002');
    expect(formatFixedWidth(1234567.8, 8, 'ceil')).toBe('1234568');
    expect(formatFixedWidth(123456789, 8, 'nearest')).toBeNull();
    expect(relevanceExponent(Float32Array.of(0.5, -0.02))).toBe(0);
    expect(relevanceExponent(Float32Array.of(3e-5, -1e-6))).toBe(6);
  });

  it('refuses what EDF cannot hold', () => {
    expect(() => writeEdfPlus([])).toThrow(/at least one signal/);
    expect(() => writeEdfPlus([{ label: 'x', sampleRate: 256, samples: Float32Array.of(1e9, -1e9) }])).toThrow(/does not fit 8 characters/);
    expect(() => writeEdfPlus([{ label: 'x', sampleRate: 100.5, samples: new Float32Array(10) }], { recordDuration: 1 })).toThrow(/not a whole number of samples per record/);
  });
});
