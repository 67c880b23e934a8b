/**
 * Cross-checks with the reference tools (Debian: python3-mne, libedf-dev; `npm test` installs
 * them): MNE-Python and EDFlib (the library behind EDFbrowser) open the EDF+/BDF+
 * files our writer produces and read the same channels, annotations and samples; MNE reads our
 * hand-written BrainVision files as we do.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brainVisionFromFiles, readBrainVision } from '../src/eeg/brainvision.js';
import { readEdfBytes } from '../src/eeg/edf-reader.js';
import { writeEdfPlus } from '../src/eeg/edf-writer.js';
import { PYTHON, requireTool } from './reference-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'xai-eeg-ref-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const annotations = [
  { onset: 0.5, duration: 0, description: 'stimulus/target' },
  { onset: 1.25, duration: 0.75, description: 'Ereignis mit Umlaut ä' },
  { onset: 2.99609375, duration: 0, description: 'last' },
];

function sample(format: 'EDF+' | 'BDF+') {
  const n = 3 * 256;
  const fz = Float32Array.from({ length: n }, (_, i) => 40 * Math.sin((2 * Math.PI * 7 * i) / 256) - 3);
  const eog = Float32Array.from({ length: n / 2 }, (_, i) => 250 * Math.cos((2 * Math.PI * i) / 128));
  const bytes = writeEdfPlus([
    { label: 'EEG Fz', unit: 'uV', sampleRate: 256, samples: fz },
    { label: 'EOG left', unit: 'uV', sampleRate: 128, samples: eog },
  ], { format, start: new Date(Date.UTC(2021, 2, 4, 5, 6, 7, 500)), annotations, patient: 'P-1 F 01-JAN-1980 Jane_Doe', recording: 'R-1 tech amp' });
  return { bytes, fz, eog };
}

const BV_HEADER = `Brain Vision Data Exchange Header File Version 1.0
[Common Infos]
Codepage=UTF-8
DataFile=bv.eeg
MarkerFile=bv.vmrk
DataFormat=BINARY
DataOrientation=VECTORIZED
NumberOfChannels=2
SamplingInterval=2000
[Binary Infos]
BinaryFormat=IEEE_FLOAT_32
[Channel Infos]
Ch1=Cz,,0.5,µV
Ch2=Pz,,1,µV
`;
const BV_MARKERS = `Brain Vision Data Exchange Marker File, Version 1.0
[Common Infos]
Codepage=UTF-8
DataFile=bv.eeg
[Marker Infos]
Mk1=New Segment,,1,1,0,20200718103000000000
Mk2=Stimulus,S  1,51,1,0
Mk3=Response,R  2,120,10,0
`;

interface MneRead { ch_names: string[]; sfreq: number; meas_date: string; annotations: [number, number, string][]; data: number[][] }

describe('MNE-Python reads what we write and what we read', () => {
  beforeAll(() => requireTool('mne'));
  const samples = { 'EDF+': sample('EDF+'), 'BDF+': sample('BDF+') };
  const bv = new Float32Array(2 * 200).map((_, i) => Math.sin(i / 7) * 20);
  let read: Record<string, MneRead> = {};
  beforeAll(() => {
    writeFileSync(join(dir, 'ours.edf'), samples['EDF+'].bytes);
    writeFileSync(join(dir, 'ours.bdf'), samples['BDF+'].bytes);
    writeFileSync(join(dir, 'bv.vhdr'), BV_HEADER);
    writeFileSync(join(dir, 'bv.vmrk'), BV_MARKERS);
    writeFileSync(join(dir, 'bv.eeg'), new Uint8Array(bv.buffer));
    // One interpreter for all three files (importing mne takes seconds).
    const script = `
import json, mne
out = {}
for key, raw in [('EDF+', lambda: mne.io.read_raw_edf('${join(dir, 'ours.edf')}', preload=True, verbose='error')),
                 ('BDF+', lambda: mne.io.read_raw_bdf('${join(dir, 'ours.bdf')}', preload=True, verbose='error')),
                 ('BV', lambda: mne.io.read_raw_brainvision('${join(dir, 'bv.vhdr')}', preload=True, verbose='error'))]:
    r = raw()
    out[key] = {'ch_names': r.ch_names, 'sfreq': r.info['sfreq'], 'meas_date': str(r.info['meas_date']),
      'annotations': [[float(a['onset']), float(a['duration']), a['description']] for a in r.annotations],
      'data': (r.get_data() * 1e6).tolist()}
print(json.dumps(out))`;
    read = JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  }, 60_000);

  it.each(['EDF+', 'BDF+'] as const)('%s from our writer: channels, annotations, samples', (format) => {
    const { bytes, fz } = samples[format];
    const got = read[format]!;
    expect(got.ch_names).toEqual(['EEG Fz', 'EOG left']);
    expect(got.sfreq).toBe(256);
    expect(got.meas_date).toBe('2021-03-04 05:06:07+00:00'); // MNE 1.3 drops the sub-second part
    // MNE keeps onsets to the microsecond
    expect(got.annotations).toEqual(annotations.map((a) => [Number(a.onset.toFixed(6)), a.duration, a.description]));
    const ours = readEdfBytes('ours', bytes).channels[0]!;
    fz.forEach((v, i) => expect(Math.abs(got.data[0]![i]! - v)).toBeLessThanOrEqual(ours.resolution));
  });

  it('BrainVision: MNE finds the same annotations and values', () => {
    const enc = new TextEncoder();
    const ours = readBrainVision(brainVisionFromFiles([
      { name: 'bv.vhdr', bytes: enc.encode(BV_HEADER) }, { name: 'bv.vmrk', bytes: enc.encode(BV_MARKERS) }, { name: 'bv.eeg', bytes: new Uint8Array(bv.buffer) },
    ]));
    const got = read.BV!;
    expect(got.ch_names).toEqual(ours.channels.map((c) => c.label));
    expect(got.annotations.map(([o, d, s]) => [Number(o.toFixed(9)), Number(d.toFixed(9)), s])).toEqual(ours.annotations.map((a) => [a.onset, a.duration, a.description]));
    ours.channels.forEach((ch, c) => ch.samples.forEach((v, i) => expect(got.data[c]![i]!).toBeCloseTo(v, 4)));
    expect(got.meas_date).toBe('2020-07-18 10:30:00+00:00');
  });
});

describe('EDFlib (EDFbrowser\'s library) opens our EDF+ and BDF+ files', () => {
  beforeAll(() => requireTool('edflib'));
  it.each(['EDF+', 'BDF+'] as const)('%s', (format) => {
    const program = join(dir, 'edfcheck');
    if (!existsSync(program)) {
      writeFileSync(`${program}.c`, `#include <stdio.h>
#include "edflib.h"
int main(int argc, char **argv) {
  struct edf_hdr_struct h;
  if (edfopen_file_readonly(argv[1], &h, EDFLIB_READ_ALL_ANNOTATIONS)) { printf("ERROR %d\\n", h.filetype); return 1; }
  printf("%d %d %lld %lld\\n", h.filetype, h.edfsignals, h.starttime_subsecond, h.annotations_in_file);
  for (int i = 0; i < h.edfsignals; i++) { double b[3]; edfread_physical_samples(h.handle, i, 3, b); printf("%s|%lld|%.6f %.6f %.6f\\n", h.signalparam[i].label, h.signalparam[i].smp_in_file, b[0], b[1], b[2]); }
  for (int i = 0; i < h.annotations_in_file; i++) { struct edf_annotation_struct a; edf_get_annotation(h.handle, i, &a); printf("%lld|%s|%s\\n", a.onset, a.duration, a.annotation); }
  edfclose_file(h.handle); return 0; }`);
      execFileSync('gcc', ['-O1', '-o', program, `${program}.c`, '-ledf']);
    }
    const { bytes, fz, eog } = sample(format);
    const path = join(dir, format === 'EDF+' ? 'lib.edf' : 'lib.bdf');
    writeFileSync(path, bytes);
    const lines = execFileSync(program, [path], { encoding: 'utf8' }).trim().split('\n');
    expect(lines[0]).toBe(`${format === 'EDF+' ? 1 : 3} 2 5000000 3`); // EDF+/BDF+, 2 signals, start +0.5 s, 3 annotations
    const [label0, count0, first0] = lines[1]!.split('|');
    expect([label0!.trim(), Number(count0)]).toEqual(['EEG Fz', 768]);
    const step = readEdfBytes(path, bytes).channels[0]!.resolution;
    first0!.split(' ').map(Number).forEach((v, i) => expect(Math.abs(v - fz[i]!)).toBeLessThanOrEqual(step));
    expect(lines[2]!.split('|').slice(0, 2)).toEqual(['EOG left        ', '384']);
    expect(Math.abs(Number(lines[2]!.split('|')[2]!.split(' ')[0]) - eog[0]!)).toBeLessThan(0.02);
    expect(lines.slice(3)).toEqual(['5000000||stimulus/target', '12500000|0.75|Ereignis mit Umlaut ä', '29960937||last']);
  });
});
