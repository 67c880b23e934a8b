/**
 * The committed files each parser's mutations start from: the demo models (model.json + weights),
 * the demo PNGs, JPEGs encoded from them (no JPEG is committed), the demo GIFs, the demo EDF and
 * shared/fixtures' EDF/BDF, BrainVision sets written here (none is committed), the demo and
 * fixture NIfTI volumes (gzipped and plain), the demo WAVs and a small .npy.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodeInput } from '@xai/core';
import jpeg from 'jpeg-js';
import type { Seed } from './mutate.js';
import type { TargetName } from './targets.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CORE_DEMO = join(ROOT, 'packages/core/demo');
const MODALITIES_DEMO = join(ROOT, 'packages/modalities/demo');
/** shared/ sits beside the repository (on developers' machines and in CI). */
const SHARED_FIXTURES = join(ROOT, '../shared/fixtures');

const read = (path: string) => new Uint8Array(readFileSync(path));
const file = (path: string, name = basename(path)) => ({ name, bytes: read(path) });

const MODEL_DIRS = [
  join(CORE_DEMO, 'model'),
  ...['audio/spectrogram-model', 'audio/waveform-model', 'eeg', 'fmri/cnn-lstm', 'fmri/conv3d', 'text/cnn', 'text/lstm', 'video/flash-cnn-lstm', 'video/motion-conv3d', 'vqa/model'].map((d) => join(MODALITIES_DEMO, d)),
];

function modelSeeds(): Seed[] {
  return MODEL_DIRS.map((dir) => {
    const json = read(join(dir, 'model.json'));
    const manifest = JSON.parse(new TextDecoder().decode(json)).weightsManifest as { paths: string[] }[];
    const shards = manifest.flatMap((g) => g.paths).map((p) => file(join(dir, p), p));
    return { label: dir.slice(ROOT.length + 1), files: [{ name: 'model.json', bytes: json }, ...shards] };
  });
}

const PNGS = [
  ...['cross', 'ring', 'square', 'triangle'].map((n) => join(CORE_DEMO, `inputs/${n}.png`)),
  join(MODALITIES_DEMO, 'audio/example/waveform-model-waveform.png'),
  join(MODALITIES_DEMO, 'audio/example/spectrogram-model-relevance-spectrogram.png'),
];

/** Each PNG twice: edits with the CRCs fixed afterwards (they reach the decoder) and as they fall. */
const pngSeeds = (): Seed[] => [
  ...PNGS.map((p) => ({ label: `${p.slice(ROOT.length + 1)} (CRCs fixed)`, files: [file(p)], pngCrc: true })),
  ...PNGS.slice(0, 2).map((p) => ({ label: p.slice(ROOT.length + 1), files: [file(p)] })),
];

/** Baseline JPEGs of the demo PNGs at two qualities. */
function jpegSeeds(): Seed[] {
  return PNGS.slice(0, 5).flatMap((p, k) => {
    const img = decodeInput(read(p), p, { scale: '0-255' });
    const [height, width, channels] = img.shape as [number, number, number];
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = img.values[i * channels + (channels === 3 ? c : 0)]!;
      rgba[i * 4 + 3] = 255;
    }
    const quality = k % 2 === 0 ? 90 : 40;
    const bytes = new Uint8Array(jpeg.encode({ data: rgba, width, height }, quality).data);
    return [{ label: `${basename(p)} as JPEG q${quality}`, files: [{ name: basename(p, '.png') + '.jpg', bytes }] }];
  });
}

/** .npy: float32 [2, 3] (version 1.0) and int16 [4] big-endian (version 2.0). */
function npySeeds(): Seed[] {
  const npy = (major: number, descr: string, shape: string, data: Uint8Array): Uint8Array => {
    const lenBytes = major === 1 ? 2 : 4;
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
    const total = 8 + lenBytes + header.length + 1;
    header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
    const out = new Uint8Array(8 + lenBytes + header.length + data.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
    const view = new DataView(out.buffer);
    if (major === 1) view.setUint16(8, header.length, true);
    else view.setUint32(8, header.length, true);
    out.set(new TextEncoder().encode(header), 8 + lenBytes);
    out.set(data, 8 + lenBytes + header.length);
    return out;
  };
  const f32 = new Uint8Array(new Float32Array([0, 0.5, 1, -1, 2, 3]).buffer);
  const i16 = new Uint8Array([0, 1, 0, 2, 0xff, 0xff, 0x7f, 0xff]);
  return [
    { label: 'float32 [2, 3]', files: [{ name: 'a.npy', bytes: npy(1, '<f4', '(2, 3)', f32) }] },
    { label: 'int16 [4] big-endian, v2', files: [{ name: 'b.npy', bytes: npy(2, '>i2', '(4,)', i16) }] },
  ];
}

const gifSeeds = (): Seed[] =>
  ['flash-right.gif', 'motion-left.gif'].map((n) => ({ label: `video/inputs/${n}`, files: [file(join(MODALITIES_DEMO, 'video/inputs', n))] }));

const edfSeeds = (): Seed[] => [
  { label: 'eeg/demo-recording.edf', files: [file(join(MODALITIES_DEMO, 'eeg/demo-recording.edf'))] },
  { label: 'shared/fixtures/eeg/recording.edf', files: [file(join(SHARED_FIXTURES, 'eeg/recording.edf'))] },
];

const bdfSeeds = (): Seed[] => [{ label: 'shared/fixtures/eeg/recording.bdf', files: [file(join(SHARED_FIXTURES, 'eeg/recording.bdf'))] }];

/** BrainVision sets (none is committed): INT_16 multiplexed and IEEE_FLOAT_32 vectorized, 3 channels, markers. */
function brainVisionSeeds(): Seed[] {
  const enc = new TextEncoder();
  const channels = 3;
  const samples = 64;
  const set = (name: string, format: 'INT_16' | 'IEEE_FLOAT_32', orientation: 'MULTIPLEXED' | 'VECTORIZED'): Seed => {
    const vhdr = `Brain Vision Data Exchange Header File Version 1.0
; Data created by the fuzz seeds

[Common Infos]
Codepage=UTF-8
DataFile=${name}.eeg
MarkerFile=${name}.vmrk
DataFormat=BINARY
DataOrientation=${orientation}
NumberOfChannels=${channels}
SamplingInterval=4000

[Binary Infos]
BinaryFormat=${format}

[Channel Infos]
Ch1=Fp1,,0.1,µV
Ch2=Cz,,0.5,µV
Ch3=O1,,1,µV
`;
    const vmrk = `Brain Vision Data Exchange Marker File, Version 1.0

[Common Infos]
Codepage=UTF-8
DataFile=${name}.eeg

[Marker Infos]
Mk1=New Segment,,1,1,0,20240102030405000000
Mk2=Stimulus,S  1,10,1,0
Mk3=Response,R  2,40,5,2
`;
    const bps = format === 'INT_16' ? 2 : 4;
    const data = new Uint8Array(channels * samples * bps);
    const view = new DataView(data.buffer);
    for (let c = 0; c < channels; c++) {
      for (let t = 0; t < samples; t++) {
        const at = (orientation === 'MULTIPLEXED' ? t * channels + c : c * samples + t) * bps;
        const v = Math.round(100 * Math.sin((t + c) / 5));
        if (format === 'INT_16') view.setInt16(at, v, true);
        else view.setFloat32(at, v, true);
      }
    }
    return { label: `${format} ${orientation}`, files: [{ name: `${name}.vhdr`, bytes: enc.encode(vhdr) }, { name: `${name}.vmrk`, bytes: enc.encode(vmrk) }, { name: `${name}.eeg`, bytes: data }] };
  };
  return [set('rec', 'INT_16', 'MULTIPLEXED'), set('float', 'IEEE_FLOAT_32', 'VECTORIZED')];
}

const NIFTI_GZ = [
  join(MODALITIES_DEMO, 'fmri/anatomical.nii.gz'),
  join(MODALITIES_DEMO, 'fmri/roi.nii.gz'),
  join(MODALITIES_DEMO, 'fmri/volumes/activation-01.nii.gz'),
  join(SHARED_FIXTURES, 'nifti/example_nifti2.nii.gz'),
  join(SHARED_FIXTURES, 'nifti/scaled_blob.nii.gz'),
  join(SHARED_FIXTURES, 'nifti/standard.nii.gz'),
];

/** Plain .nii: the fixtures' and the demo volumes inflated (edits reach every header field). */
function niftiSeeds(): Seed[] {
  const plain = [join(SHARED_FIXTURES, 'nifti/functional.nii'), join(SHARED_FIXTURES, 'nifti/anatomical.nii')].map((p) => ({ label: p.slice(ROOT.length + 1), files: [file(p)] }));
  const inflated = NIFTI_GZ.map((p) => ({ label: `${basename(p)} inflated`, files: [{ name: basename(p, '.gz'), bytes: new Uint8Array(gunzipSync(read(p))) }] }));
  return [...plain, ...inflated];
}

/** .nii.gz: edits to the inflated bytes, gzipped again; plus a few seeds edited as compressed bytes. */
function niftiGzSeeds(): Seed[] {
  return [
    ...NIFTI_GZ.map((p) => ({ label: `${basename(p)} (edits inflated)`, files: [file(p)], gzipped: true })),
    ...NIFTI_GZ.slice(0, 2).map((p) => ({ label: `${basename(p)} (edits compressed)`, files: [file(p)] })),
  ];
}

function wavSeeds(): Seed[] {
  const dir = join(MODALITIES_DEMO, 'audio/test');
  const names = readdirSync(dir).filter((n) => n.endsWith('.wav')).sort();
  return names.filter((_, i) => i % 48 === 0).map((n) => ({ label: `audio/test/${n}`, files: [file(join(dir, n))] }));
}

const SEEDS: Record<TargetName, () => Seed[]> = {
  model: modelSeeds, png: pngSeeds, jpeg: jpegSeeds, npy: npySeeds, gif: gifSeeds, edf: edfSeeds, bdf: bdfSeeds,
  brainvision: brainVisionSeeds, nifti: niftiSeeds, 'nifti-gz': niftiGzSeeds, wav: wavSeeds,
};

export const seedsFor = (target: TargetName): Seed[] => SEEDS[target]();
