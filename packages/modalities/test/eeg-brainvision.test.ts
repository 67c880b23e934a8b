/** BrainVision (.vhdr + .vmrk + .eeg): written by hand in every variant, and broken on purpose. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brainVisionFromFiles, readBrainVision, readBrainVisionFile } from '../src/eeg/brainvision.js';
import { InvalidEegFileError } from '../src/eeg/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'xai-eeg-bv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const enc = new TextEncoder();

interface Variant {
  format: 'INT_16' | 'IEEE_FLOAT_32' | 'INT_32' | 'UINT_16';
  orientation: 'MULTIPLEXED' | 'VECTORIZED';
  bigEndian?: boolean;
}

const CHANNELS = ['Fp1', 'Cz', 'O1\\1O2']; // "\1" is an escaped comma
const RESOLUTION = [0.1, 0.5, 1];
const N = 50;
const value = (c: number, t: number) => (c + 1) * 100 + t - 25; // digital / stored value

function vhdr(v: Variant, name = 'rec', extra = '') {
  return `Brain Vision Data Exchange Header File Version 1.0
; Data created by hand

[Common Infos]
Codepage=UTF-8
DataFile=${name}.eeg
MarkerFile=${name}.vmrk
DataFormat=BINARY
; Data orientation: MULTIPLEXED=ch1,pt1, ch2,pt1 ...
DataOrientation=${v.orientation}
NumberOfChannels=3
; Sampling interval in microseconds
SamplingInterval=4000
${extra}
[Binary Infos]
BinaryFormat=${v.format}
${v.bigEndian ? 'UseBigEndianOrder=YES' : ''}

[Channel Infos]
; Each entry: Ch<Channel number>=<Name>,<Reference channel name>,<Resolution in "Unit">,<Unit>
Ch1=${CHANNELS[0]},,${RESOLUTION[0]},µV
Ch2=${CHANNELS[1]},Ref,${RESOLUTION[1]},µV
Ch3=${CHANNELS[2]},,,
`;
}

const VMRK = `Brain Vision Data Exchange Marker File, Version 1.0

[Common Infos]
Codepage=UTF-8
DataFile=rec.eeg

[Marker Infos]
; Each entry: Mk<Marker number>=<Type>,<Description>,<Position in data points>,<Size in data points>, <Channel number (0 = marker is related to all channels)>
Mk1=New Segment,,1,1,0,20200718103000123456
Mk2=Stimulus,S  1,26,1,0
Mk3=Comment,a\\1b,11,5,2
`;

function eeg(v: Variant): Uint8Array {
  const size = v.format === 'INT_16' || v.format === 'UINT_16' ? 2 : 4;
  const out = new Uint8Array(3 * N * size);
  const view = new DataView(out.buffer);
  for (let c = 0; c < 3; c++) {
    for (let t = 0; t < N; t++) {
      const i = v.orientation === 'MULTIPLEXED' ? t * 3 + c : c * N + t;
      const d = value(c, t);
      const le = !v.bigEndian;
      if (v.format === 'INT_16') view.setInt16(i * 2, d, le);
      else if (v.format === 'UINT_16') view.setUint16(i * 2, d, le);
      else if (v.format === 'INT_32') view.setInt32(i * 4, d, le);
      else view.setFloat32(i * 4, d + 0.25, le);
    }
  }
  return out;
}

const files = (v: Variant, name = 'rec') => [
  { name: `${name}.vhdr`, bytes: enc.encode(vhdr(v, name)) },
  { name: `${name}.vmrk`, bytes: enc.encode(VMRK) },
  { name: `${name}.eeg`, bytes: eeg(v) },
];

const variants: Variant[] = [
  { format: 'INT_16', orientation: 'MULTIPLEXED' },
  { format: 'INT_16', orientation: 'VECTORIZED' },
  { format: 'IEEE_FLOAT_32', orientation: 'MULTIPLEXED' },
  { format: 'IEEE_FLOAT_32', orientation: 'VECTORIZED' },
  { format: 'INT_32', orientation: 'MULTIPLEXED', bigEndian: true },
  { format: 'UINT_16', orientation: 'VECTORIZED' },
];

describe('BrainVision reading', () => {
  it.each(variants)('$format $orientation (big endian: $bigEndian): values × resolution, names, units, rate', (v) => {
    const rec = readBrainVision(brainVisionFromFiles(files(v)));
    expect(rec.format).toBe('BrainVision');
    expect(rec.channels.map((c) => c.label)).toEqual(['Fp1', 'Cz', 'O1,O2']);
    expect(rec.channels.map((c) => c.unit)).toEqual(['µV', 'µV', 'µV']);
    expect(rec.channels.map((c) => c.reference)).toEqual(['', 'Ref', '']);
    expect(rec.channels.every((c) => c.sampleRate === 250 && c.samples.length === N)).toBe(true);
    rec.channels.forEach((ch, c) => {
      for (let t = 0; t < N; t++) expect(ch.samples[t]).toBe(Math.fround((value(c, t) + (v.format === 'IEEE_FLOAT_32' ? 0.25 : 0)) * RESOLUTION[c]!));
    });
    expect(rec.channels[0]!.resolution).toBe(v.format === 'IEEE_FLOAT_32' ? 0 : 0.1);
    expect(rec.duration).toBe(0.2);
  });

  it("markers become annotations as MNE names them ('Type/Description', onset from 1-based position, size / rate)", () => {
    const rec = readBrainVision(brainVisionFromFiles(files(variants[0]!)));
    expect(rec.annotations).toEqual([
      { onset: 0, duration: 0.004, description: 'New Segment/' },
      { onset: 0.04, duration: 0.02, description: 'Comment/a,b', channel: 2 },
      { onset: 0.1, duration: 0.004, description: 'Stimulus/S  1' },
    ]);
    expect(rec.start?.toISOString()).toBe('2020-07-18T10:30:00.123Z');
  });

  it('reads from disk next to the .vhdr, a channel subset, and renamed files by extension', () => {
    for (const f of files(variants[2]!)) writeFileSync(join(dir, f.name), f.bytes);
    const rec = readBrainVisionFile(join(dir, 'rec.vhdr'), { channels: ['Cz'] });
    expect(rec.channels.map((c) => c.label)).toEqual(['Cz']);
    expect(rec.channels[0]!.samples[3]).toBe(Math.fround((200 + 3 - 25 + 0.25) * 0.5));
    const renamed = files(variants[0]!).map((f) => ({ ...f, name: f.name.replace('rec', 'renamed') }));
    expect(readBrainVision(brainVisionFromFiles(renamed)).channels).toHaveLength(3);
  });
});

describe('broken BrainVision files', () => {
  const v = variants[0]!;
  const withHeader = (text: string, eegBytes = eeg(v)) => [{ name: 'rec.vhdr', bytes: enc.encode(text) }, { name: 'rec.vmrk', bytes: enc.encode(VMRK) }, { name: 'rec.eeg', bytes: eegBytes }];
  const cases: [string, () => unknown, RegExp][] = [
    ['not a header', () => readBrainVision(brainVisionFromFiles(withHeader('hello world'))), /rec\.vhdr: field 'first line': not a BrainVision header/],
    ['no .vhdr among the files', () => brainVisionFromFiles([{ name: 'rec.eeg', bytes: new Uint8Array(4) }]), /rec\.eeg: field 'files': a BrainVision recording needs its \.vhdr header file/],
    ['data file missing', () => readBrainVision(brainVisionFromFiles([files(v)[0]!, files(v)[1]!])), /rec\.vhdr: field 'DataFile': 'rec\.eeg' was not given/],
    ['marker file missing', () => readBrainVision(brainVisionFromFiles([files(v)[0]!, files(v)[2]!])), /rec\.vhdr: field 'MarkerFile': 'rec\.vmrk' was not given/],
    ['truncated data', () => readBrainVision(brainVisionFromFiles(withHeader(vhdr(v), eeg(v).subarray(0, 299)))), /rec\.vhdr: field 'DataFile': rec\.eeg has 299 bytes, not a whole number of samples of 3 channels × 2 bytes \(INT_16\): truncated or inconsistent/],
    ['channel count disagreeing with the channel list', () => readBrainVision(brainVisionFromFiles(withHeader(vhdr(v).replace('NumberOfChannels=3', 'NumberOfChannels=4')))), /field 'NumberOfChannels': is 4, but \[Channel Infos\] lists 3 channels/],
    ['huge channel count', () => readBrainVision(brainVisionFromFiles(withHeader(vhdr(v).replace('NumberOfChannels=3', 'NumberOfChannels=2000000000')))), /field 'NumberOfChannels': is 2000000000, but \[Channel Infos\] lists 3/],
    ['unsupported binary format', () => readBrainVision(brainVisionFromFiles(withHeader(vhdr(v).replace('BinaryFormat=INT_16', 'BinaryFormat=INT_64')))), /field 'BinaryFormat': 'INT_64' is not supported/],
    ['ASCII data', () => readBrainVision(brainVisionFromFiles(withHeader(vhdr(v).replace('DataFormat=BINARY', 'DataFormat=ASCII')))), /field 'DataFormat': 'ASCII' is not supported/],
    ['bad sampling interval', () => readBrainVision(brainVisionFromFiles(withHeader(vhdr(v).replace('SamplingInterval=4000', 'SamplingInterval=0')))), /field 'SamplingInterval': must be a positive number of microseconds, got '0'/],
    ['bad resolution', () => readBrainVision(brainVisionFromFiles(withHeader(vhdr(v).replace(',Ref,0.5,', ',Ref,abc,')))), /field 'Ch2': resolution 'abc' is not a non-zero number/],
    ['bad marker position', () => readBrainVision(brainVisionFromFiles([files(v)[0]!, { name: 'rec.vmrk', bytes: enc.encode(VMRK.replace(',26,', ',x,')) }, files(v)[2]!])), /rec\.vmrk: field 'Mk2': position 'x'/],
    ['marker file of the wrong kind', () => readBrainVision(brainVisionFromFiles([files(v)[0]!, { name: 'rec.vmrk', bytes: enc.encode('[Marker Infos]\nMk1=a,b,1') }, files(v)[2]!])), /rec\.vmrk: field 'first line': not a BrainVision marker file/],
  ];
  it.each(cases)('%s', (_, run, message) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEegFileError);
    expect((error as Error).message).toMatch(message);
  });
});
