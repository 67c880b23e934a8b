/** EDF / EDF+ (continuous, discontinuous) / BDF / BDF+ reading, and crafted broken files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEdfBytes, readEdfFile } from '../src/eeg/edf-reader.js';
import { InvalidEegFileError } from '../src/eeg/errors.js';
import { extractEpochs } from '../src/eeg/preprocess.js';
import { sampleTime } from '../src/eeg/recording.js';
import { buildEdf, tal, talPerRecord } from './eeg-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'xai-eeg-edf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EDF and BDF reading', () => {
  it('plain EDF: digital → physical scaling, own rates, start, no annotations', () => {
    const bytes = buildEdf({
      records: 3, duration: '0.5',
      signals: [
        { label: 'EEG C3', physicalMin: '-100', physicalMax: '100', digitalMin: '-2048', digitalMax: '2047', samplesPerRecord: 50, value: (k, j) => (k * 50 + j) - 75 },
        { label: 'Resp', unit: 'mV', physicalMin: '0', physicalMax: '10', digitalMin: '0', digitalMax: '1000', samplesPerRecord: 5, value: (_, j) => 100 * j },
      ],
      startDate: '03.02.99', startTime: '23.59.58', recording: 'anything',
    });
    const rec = readEdfBytes('plain.edf', bytes);
    expect(rec.format).toBe('EDF');
    expect(rec.start?.toISOString()).toBe('1999-02-03T23:59:58.000Z');
    expect(rec.channels.map((c) => [c.label, c.sampleRate, c.samples.length, c.unit])).toEqual([['EEG C3', 100, 150, 'uV'], ['Resp', 10, 15, 'mV']]);
    const gain = 200 / 4095;
    expect(rec.channels[0]!.resolution).toBeCloseTo(gain, 12);
    // physical = pmin + (d − dmin) · gain
    expect(rec.channels[0]!.samples[0]).toBeCloseTo(-100 + (-75 + 2048) * gain, 4);
    expect(rec.channels[0]!.samples[149]).toBeCloseTo(-100 + (74 + 2048) * gain, 4);
    expect(Array.from(rec.channels[1]!.samples.slice(0, 6))).toEqual([0, 1, 2, 3, 4, 0]);
    expect(rec.annotations).toEqual([]);
    expect(rec.duration).toBe(1.5);
    expect(rec.segments).toEqual([{ onset: 0, duration: 1.5, firstRecord: 0, records: 3 }]);
  });

  it('two-digit years: 85–99 → 19xx, 00–84 → 20xx; EDF+ Startdate gives the century', () => {
    const one = (startDate: string, recording?: string) => readEdfBytes('y.edf', buildEdf({ records: 1, startDate, recording, signals: [{ label: 'A', samplesPerRecord: 1 }] })).start!.getUTCFullYear();
    expect(one('01.01.85', 'x')).toBe(1985);
    expect(one('01.01.84', 'x')).toBe(2084);
    expect(one('18.07.20', 'Startdate 18-JUL-2020 X X X')).toBe(2020);
  });

  it('EDF+C: annotations from TALs (several texts, durations, UTF-8), time-keeping per record', () => {
    const bytes = buildEdf({
      reserved: 'EDF+C', records: 2, duration: '1',
      signals: [
        { label: 'EEG Fz', samplesPerRecord: 4, value: (k, j) => k * 4 + j },
        { label: 'EDF Annotations', physicalMin: '-1', physicalMax: '1', samplesPerRecord: 40, bytes: talPerRecord((k) => k === 0
          ? '+0\x14\x14\x00+0.5\x150.25\x14Reiz ä\x14second text\x14\x00'
          : '+1\x14\x14\x00+1.75\x14response\x14\x00') },
      ],
    });
    const rec = readEdfBytes('plus.edf', bytes);
    expect(rec.format).toBe('EDF+C');
    expect(rec.channels.map((c) => c.label)).toEqual(['EEG Fz']);
    expect(rec.annotations).toEqual([
      { onset: 0.5, duration: 0.25, description: 'Reiz ä' },
      { onset: 0.5, duration: 0.25, description: 'second text' },
      { onset: 1.75, duration: 0, description: 'response' },
    ]);
    expect(Array.from(rec.recordOnsets)).toEqual([0, 1]);
  });

  it('EDF+ sub-second start: the first time-keeping onset moves the start, times count from the first sample', () => {
    const bytes = buildEdf({
      reserved: 'EDF+C', records: 2,
      signals: [
        { label: 'EEG Fz', samplesPerRecord: 2 },
        { label: 'EDF Annotations', samplesPerRecord: 20, bytes: talPerRecord((k) => `+${k + 0.25}\x14\x14\x00${k === 1 ? '+1.75\x14mark\x14\x00' : ''}`) },
      ],
    });
    const rec = readEdfBytes('sub.edf', bytes);
    expect(rec.start?.toISOString()).toBe('2020-07-18T10:30:00.250Z');
    expect(rec.annotations).toEqual([{ onset: 1.5, duration: 0, description: 'mark' }]);
    expect(Array.from(rec.recordOnsets)).toEqual([0, 1]);
  });

  it('EDF+D: records with gaps become segments; sample times follow the records; an epoch across a gap is refused', () => {
    const onsets = [0, 1, 5, 6, 7];
    const bytes = buildEdf({
      reserved: 'EDF+D', records: 5,
      signals: [
        { label: 'EEG Cz', samplesPerRecord: 10, value: (k, j) => k * 10 + j },
        { label: 'EDF Annotations', samplesPerRecord: 30, bytes: talPerRecord((k) => `+${onsets[k]}\x14\x14\x00${k === 2 ? '+5.5\x14after gap\x14\x00' : ''}`) },
      ],
    });
    const rec = readEdfBytes('disc.edf', bytes);
    expect(rec.format).toBe('EDF+D');
    expect(rec.segments).toEqual([
      { onset: 0, duration: 2, firstRecord: 0, records: 2 },
      { onset: 5, duration: 3, firstRecord: 2, records: 3 },
    ]);
    expect(rec.duration).toBe(5);
    const ch = rec.channels[0]!;
    expect(sampleTime(rec, ch, 19)).toBeCloseTo(1.9, 12);
    expect(sampleTime(rec, ch, 20)).toBe(5);
    expect(sampleTime(rec, ch, 25)).toBeCloseTo(5.5, 12);
    // An epoch at 5.2 s reads samples from record 2 on (digital k·10 + j → physical)
    const [epoch] = extractEpochs(rec, [5.2], { tmin: 0, samples: 5, channels: ['Cz'], microvolts: false });
    const gain = 1000 / 65535;
    const phys = (d: number) => -500 + (d + 32768) * gain;
    expect(Array.from(epoch!.data)).toEqual([22, 23, 24, 25, 26].map((d) => Math.fround(phys(d))));
    expect(() => extractEpochs(rec, [1.5], { tmin: 0, tmax: 1, channels: ['Cz'] })).toThrow(/not inside the recorded data \(0–2 s, 5–8 s\)/);
  });

  it('BDF: 24-bit two\'s complement samples', () => {
    const values = [-8388608, -1, 0, 1, 8388607, -4000000];
    const rec = readEdfBytes('raw.bdf', buildEdf({
      bdf: true, records: 1,
      signals: [{ label: 'A1', physicalMin: '-8388608', physicalMax: '8388607', samplesPerRecord: 6, value: (_, j) => values[j]! }],
    }));
    expect(rec.format).toBe('BDF');
    expect(rec.channels[0]!.resolution).toBe(1);
    expect(Array.from(rec.channels[0]!.samples)).toEqual(values);
  });

  it('BDF+: BDF Annotations signal', () => {
    const rec = readEdfBytes('plus.bdf', buildEdf({
      bdf: true, reserved: 'BDF+C', records: 1,
      signals: [
        { label: 'Fp1', samplesPerRecord: 3, value: (_, j) => j - 1 },
        { label: 'BDF Annotations', samplesPerRecord: 10, bytes: tal('+0\x14\x14\x00+0.1\x14S 1\x14\x00') },
      ],
    }));
    expect(rec.format).toBe('BDF+C');
    expect(rec.annotations).toEqual([{ onset: 0.1, duration: 0, description: 'S 1' }]);
    expect(rec.channels[0]!.samples[1]).toBeCloseTo(-500 + 8388608 * (1000 / 16777215), 6);
  });

  it('reads a channel subset (by label or without its type prefix) and files on disk in chunks', () => {
    const spec = {
      records: 4,
      signals: [
        { label: 'EEG Fp1', samplesPerRecord: 8, value: (k: number, j: number) => k * 8 + j },
        { label: 'EEG Fp2', samplesPerRecord: 8, value: (k: number, j: number) => -(k * 8 + j) },
      ],
    };
    const path = join(dir, 'subset.edf');
    writeFileSync(path, buildEdf(spec));
    const all = readEdfFile(path, { chunkBytes: 40 });
    const only = readEdfFile(path, { channels: ['Fp2'], chunkBytes: 1 });
    expect(only.channels.map((c) => c.label)).toEqual(['EEG Fp2']);
    expect(only.channels[0]!.samples).toEqual(all.channels[1]!.samples);
    expect(() => readEdfFile(path, { channels: ['Oz'] })).toThrow(/subset\.edf: field 'label': no signal 'Oz'; the file has EEG Fp1, EEG Fp2/);
  });

  it('number of data records −1: counted from the file size', () => {
    const rec = readEdfBytes('unknown.edf', buildEdf({ records: 3, recordsField: '-1', signals: [{ label: 'A', samplesPerRecord: 2 }] }));
    expect(rec.channels[0]!.samples.length).toBe(6);
  });
});

describe('broken EDF/BDF files: clear errors naming file and field, nothing large allocated', () => {
  const good = { records: 2, signals: [{ label: 'EEG Fz', samplesPerRecord: 4 }] };
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short for a header', new Uint8Array(100), /short\.edf: field 'header': file has 100 bytes, an EDF\/BDF header needs at least 256/],
    ['wrong magic', buildEdf({ ...good, version: 'PK\x03\x04' }), /wrong\.edf: field 'version': not an EDF or BDF file: starts with "PK/],
    ['BDF magic without BIOSEMI', (() => { const b = buildEdf({ ...good, bdf: true }); b.set([0x41, 0x42], 1); return b; })(), /field 'version'/],
    ['non-numeric signal count', buildEdf({ ...good, signalsField: 'ab' }), /field 'number of signals': not an integer: 'ab'/],
    ['header size disagreeing with the signal count', buildEdf({ ...good, headerBytes: '1024' }), /field 'number of bytes in header record': is 1024, but 1 signals need 256 × \(1 \+ 1\) = 512/],
    ['huge signal count', buildEdf({ ...good, signalsField: '9999' }), /field 'number of signals': header declares 9999 signals \(2560000 header bytes\) but the file has only 528 bytes/],
    ['more data records than the file holds (truncated)', buildEdf({ ...good, truncateTo: 512 + 8 + 3 }), /field 'number of data records': header declares 2 data records of 8 bytes \(16 bytes\) but the file holds 11 bytes of data \(1 complete records\): truncated file/],
    ['huge declared record count', buildEdf({ ...good, recordsField: '99999999' }), /field 'number of data records': header declares 99999999 data records/],
    ['huge samples per record', buildEdf({ records: 1, signals: [{ label: 'A', samplesPerRecord: 2, samplesField: '99999999' }] }), /field 'number of data records'.*but the file holds 4 bytes/],
    ['non-integer samples per record', buildEdf({ records: 1, signals: [{ label: 'A', samplesPerRecord: 2, samplesField: '2.5' }] }), /field 'number of samples in each data record of signal 1 \("A"\)': not an integer: '2.5'/],
    ['digital minimum ≥ maximum', buildEdf({ records: 1, signals: [{ label: 'A', samplesPerRecord: 1, digitalMin: '10', digitalMax: '10' }] }), /field 'digital minimum of signal 1 \("A"\)': digital minimum 10 must be an integer below the digital maximum 10/],
    ['digital range beyond 16 bits', buildEdf({ records: 1, signals: [{ label: 'A', samplesPerRecord: 1, digitalMax: '40000' }] }), /field 'digital maximum of signal 1 \("A"\)': digital range \[-32768, 40000\] exceeds the 16-bit range/],
    ['physical minimum = maximum', buildEdf({ records: 1, signals: [{ label: 'A', samplesPerRecord: 1, physicalMin: '5', physicalMax: '5' }] }), /field 'physical maximum of signal 1 \("A"\)': physical minimum and maximum are both 5/],
    ['non-numeric physical maximum', buildEdf({ records: 1, signals: [{ label: 'A', samplesPerRecord: 1, physicalMax: '1,5' }] }), /field 'physical maximum of signal 1 \("A"\)': not a number: '1,5'/],
    ['negative record duration', buildEdf({ ...good, duration: '-1' }), /field 'duration of a data record': not a non-negative number: '-1'/],
    ['invalid start date', buildEdf({ ...good, startDate: '32.13.20' }), /field 'startdate\/starttime': not a valid date and time: '32.13.20' '10.30.00'/],
    ['EDF+ without annotation signal', buildEdf({ ...good, reserved: 'EDF+C' }), /field 'label': EDF\+C file without an 'EDF Annotations' signal/],
    ['malformed TAL onset', buildEdf({ reserved: 'EDF+C', records: 1, signals: [{ label: 'A', samplesPerRecord: 1 }, { label: 'EDF Annotations', samplesPerRecord: 10, bytes: tal('0.5\x14x\x14\x00') }] }),
      /field 'EDF Annotations \(data record 1\)': TAL at byte 0 has a malformed onset '0.5'/],
    ['unterminated TAL', buildEdf({ reserved: 'EDF+C', records: 1, signals: [{ label: 'A', samplesPerRecord: 1 }, { label: 'EDF Annotations', samplesPerRecord: 4, bytes: tal('+0\x14\x14abcd') }] }),
      /field 'EDF Annotations \(data record 1\)': TAL at byte 0 is not terminated by 0x00/],
    ['EDF+C with a gap', buildEdf({ reserved: 'EDF+C', records: 2, signals: [{ label: 'A', samplesPerRecord: 1 }, { label: 'EDF Annotations', samplesPerRecord: 8, bytes: talPerRecord((k) => `+${k * 3}\x14\x14\x00`) }] }),
      /field 'EDF Annotations \(data record 2\)': EDF\+C \(continuous\) but the record starts at 3 s instead of 1 s/],
    ['EDF+D with overlapping records', buildEdf({ reserved: 'EDF+D', records: 2, signals: [{ label: 'A', samplesPerRecord: 1 }, { label: 'EDF Annotations', samplesPerRecord: 8, bytes: talPerRecord((k) => `+${k * 0.5}\x14\x14\x00`) }] }),
      /field 'EDF Annotations \(data record 2\)': record starts at 0.5 s, before the previous record ends \(1 s\)/],
  ];
  it.each(cases)('%s', (what, bytes, message) => {
    const name = /short/.test(what) ? 'short.edf' : /magic/.test(what) && !/BDF/.test(what) ? 'wrong.edf' : 'bad.edf';
    const before = process.memoryUsage().arrayBuffers;
    let error: unknown;
    try {
      readEdfBytes(name, bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEegFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(`${name}: field '`)).toBe(true);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('a truncated file can be read up to its last complete record when asked', () => {
    const bytes = buildEdf({ records: 3, signals: [{ label: 'A', samplesPerRecord: 4, value: (k) => k }], truncateTo: 512 + 8 * 2 + 5 });
    expect(() => readEdfBytes('cut.edf', bytes)).toThrow(/truncated file/);
    const rec = readEdfBytes('cut.edf', bytes, { allowTruncated: true });
    expect(rec.channels[0]!.samples.length).toBe(8);
  });
});
