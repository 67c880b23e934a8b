/** The JSON artefacts for interactive views (audio-view.json, eeg-view.json, fmri-view.json) and their quantisation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  applyAffine, audioAdapter, eegAdapter, fmriAdapter, FMRI_DEMO_FILES, projectElectrode, electrodePosition, writeWav,
  AudioViewSchema, EegViewSchema, FmriViewSchema,
} from '../src/index.js';
import { quantise } from '../src/view-data.js';

/** The named JSON artefact, checked against its schema (the one the dashboard's types come from). */
function json<S extends TSchema>(arts: { name: string; bytes: Uint8Array }[], name: string, schema: S): Static<S> {
  const value: unknown = JSON.parse(new TextDecoder().decode(arts.find((a) => a.name === name)!.bytes));
  expect([...Value.Errors(schema, value)].map((e) => `${e.instancePath} ${e.message}`), name).toEqual([]);
  return value as Static<S>;
}
const dequantised = (q: { scale: number; steps: number; values: number[] }) => q.values.map((v) => (v / q.steps) * q.scale);

describe('quantise', () => {
  it('maps values to integers of their largest magnitude and back within half a step', () => {
    const values = [0.5, -2, 0, 1e-9, Number.NaN, 1.234];
    const q = quantise(values, 1000);
    expect(q.scale).toBe(2);
    expect(q.values).toEqual([250, -1000, 0, 0, 0, 617]);
    dequantised(q).forEach((v, i) => Number.isFinite(values[i]!) && expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(q.scale / q.steps / 2));
    expect(quantise([0, 0]).values).toEqual([0, 0]);
    expect(Object.is(quantise([-1e-9, 1]).values[0], -0)).toBe(false);
  });
});

describe('audio-view.json', () => {
  const RATE = 8000;
  // 0.5 s at 8 kHz: a 1 kHz burst from 0.2 s to 0.3 s
  const samples = Float32Array.from({ length: RATE / 2 }, (_, i) => (i >= 1600 && i < 2400 ? 0.5 * Math.sin((2 * Math.PI * 1000 * i) / RATE) : 0));
  const wav = { name: 'burst.wav', bytes: writeWav([samples], RATE, '16') };

  it('spectrogram models: relevance [bin][frame] with Hz and recording-seconds axes, waveform envelope', async () => {
    const decoded = await audioAdapter.decode([wav], {}, [{ shape: [227, 227, 1], dtype: 'float32' }]);
    const time = decoded.axes[1]!;
    const values = new Float32Array(227 * 227);
    values[29 * 227 + 100] = 3; // bin 29 ≈ 510 Hz, frame 100
    values[5 * 227 + 7] = -1;
    const arts = await audioAdapter.artefacts(decoded, { relevances: [{ values, shape: [227, 227, 1] }], method: 'lrp', target: 2, targetName: 'two' });
    const view = json(arts, 'audio-view.json', AudioViewSchema);
    expect(view).toMatchObject({ format: 'xai-audio-view', representation: 'spectrogram', method: 'lrp', target: 2, targetName: 'two', recording: { duration: 0.5, sampleRate: RATE } });
    expect(view.window).toEqual({ start: -0.25, rate: 8000, samples: 8000 });
    const spec = view.spectrogram!;
    expect([spec.bins, spec.frames]).toEqual([227, 227]);
    expect(spec.frequencyStep).toBeCloseTo(8000 / 455, 9);
    expect(spec.frameStart).toBeCloseTo(time.start!, 6);
    expect(spec.frameStep).toBeCloseTo(time.step!, 9);
    expect(spec.relevance.values[29 * 227 + 100]).toBe(1000);
    expect(spec.relevance.values[5 * 227 + 7]).toBe(-333);
    expect(spec.relevance.scale).toBe(3);
    // waveform: 1000 columns over the 1 s window; the burst lies at recording 0.2…0.3 s
    expect(view.waveform.columns).toBe(1000);
    expect(view.waveform.start).toBe(-0.25);
    expect(view.waveform.step).toBeCloseTo(0.001, 12);
    const column = (t: number) => Math.floor((t - view.waveform.start) / view.waveform.step);
    expect(view.waveform.max[column(0.25)]!).toBeGreaterThan(0.3);
    expect(view.waveform.max[column(0.1)]!).toBeLessThan(0.01);
    // all relevance of the time-summed map lands in the envelope columns: 3 − 1 = 2
    const total = dequantised(view.waveform.relevance).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(2, 1);
  });

  it('waveform models: no spectrogram, relevance per column of the window', async () => {
    const decoded = await audioAdapter.decode([wav], {}, [{ shape: [8000, 1], dtype: 'float32' }]);
    const values = new Float32Array(8000);
    values[2000 + 1600] = 2; // recording 0.2 s
    const view = json(await audioAdapter.artefacts(decoded, { relevances: [{ values, shape: [8000, 1] }], method: 'gradient', target: 1 }), 'audio-view.json', AudioViewSchema);
    expect(view.representation).toBe('waveform');
    expect(view.spectrogram).toBeUndefined();
    const hot = view.waveform.relevance.values.findIndex((v) => v !== 0);
    expect(view.waveform.start + hot * view.waveform.step).toBeCloseTo(0.2, 6);
  });
});

describe('eeg-view.json', () => {
  const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'eeg');
  const edf = { name: 'recording.edf', bytes: new Uint8Array(readFileSync(join(FIXTURES, 'recording.edf'))) };

  it('holds the channel × time relevance, montage positions and the annotations in epoch time', async () => {
    const channels = ['Fz', 'Cz', 'Pz', 'Oz'];
    const d = await eegAdapter.decode([edf], { event: 'stimulus/target', tmin: -0.5, duration: 2, channels });
    const values = new Float32Array(4 * 512);
    values[2 * 512 + 256] = 5; // Pz at 0.5 s
    values[0 * 512 + 10] = -1;
    const arts = await eegAdapter.artefacts(d, { relevances: [{ values, shape: [4, 512, 1] }], method: 'lrp', target: 1, targetName: 'target' });
    const view = json(arts, 'eeg-view.json', EegViewSchema);
    expect(view).toMatchObject({ format: 'xai-eeg-view', channels, sampleRate: 256, tmin: -0.5, columns: 512, columnSeconds: 1 / 256, method: 'lrp', targetName: 'target' });
    expect(view.relevance.values[2 * 512 + 256]).toBe(1000);
    expect(view.relevance.values[10]).toBe(-200);
    const cz = projectElectrode(electrodePosition('Cz')!.xyz);
    expect(view.positions[1]).toEqual([0, 0]);
    expect(cz).toEqual([0, 0]);
    expect(view.positions[0]![1]).toBeGreaterThan(0.3); // Fz towards the nose
    expect(view.positions[3]![1]).toBeLessThan(-0.7); // Oz at the back
    expect(view.annotations).toEqual([{ onset: 0, duration: expect.any(Number), description: 'stimulus/target' }]);
  });

  it('sums long epochs into at most 1024 time columns', async () => {
    const d = await eegAdapter.decode([edf], { start: 0, duration: 6, channels: ['Fz', 'Cz', 'Pz'] });
    const T = d.samples[0]!.shape[1]!;
    expect(T).toBe(1536);
    const values = Float32Array.from({ length: 3 * T }, () => 0.001);
    const view = json(await eegAdapter.artefacts(d, { relevances: [{ values, shape: [3, T, 1] }], method: 'gradient', target: 0 }), 'eeg-view.json', EegViewSchema);
    expect(view.columns).toBe(768); // columns of 2 samples
    expect(view.columnSeconds).toBeCloseTo(2 / 256, 12);
    expect(view.relevance.scale).toBeCloseTo(0.002, 6);
  });
});

describe('fmri-view.json', () => {
  const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });

  it('turns an LAS volume into RAS voxel order with an affine to the same world points, underlay on the grid', async () => {
    const decoded = await fmriAdapter.decode([file(FMRI_DEMO_FILES.volumes[0]!), file(FMRI_DEMO_FILES.anatomical)]);
    const [ni, nj, nk] = [32, 32, 16];
    const values = new Float32Array(ni * nj * nk);
    const source = [3, 20, 9]; // i = 3 in an LAS file is near the subject's left side
    values[(source[0]! * nj + source[1]!) * nk + source[2]!] = -2;
    values[(10 * nj + 10) * nk + 5] = 1;
    const arts = await fmriAdapter.artefacts(decoded, { relevances: [{ values, shape: [32, 32, 16, 1] }], method: 'lrp', target: 1 });
    const view = json(arts, 'fmri-view.json', FmriViewSchema);
    expect(view).toMatchObject({ format: 'xai-fmri-view', dims: [32, 32, 16], voxelSize: [3, 3, 3], spatialUnit: 'mm', sourceOrientation: 'LAS', nifti: 'relevance.nii.gz', volumesSummed: 1 });
    expect(view.underlayFile).toBe('anatomical.nii.gz');
    // x is flipped: RAS x = 31 − i
    expect(view.peak).toEqual([31 - 3, 20, 9]);
    const [, ny, nz] = view.dims;
    expect(view.relevance.values[(view.peak[0] * ny + view.peak[1]) * nz + view.peak[2]]).toBe(-1000);
    const header = (decoded.metadata.affine as number[][]);
    expect(applyAffine(view.affine, view.peak)).toEqual(applyAffine(header, source));
    expect(view.affine[0]![0]).toBeGreaterThan(0); // x increases to the right
    expect(view.underlay).toHaveLength(32 * 32 * 16);
    expect(Math.max(...view.underlay)).toBe(255);
    expect(view.underlay.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
  });

  it('runs: relevance summed over the volumes', async () => {
    const run = file(FMRI_DEMO_FILES.run);
    const batch = await fmriAdapter.decode([run], {}, [{ shape: [32, 32, 16, 1], dtype: 'float32' }]);
    const n = 32 * 32 * 16;
    const rel = new Float32Array(12 * n);
    for (let t = 0; t < 12; t++) rel[t * n + 100] = 0.5;
    const view = json(await fmriAdapter.artefacts(batch, { relevances: [{ values: rel, shape: [12, 32, 32, 16, 1] }], method: 'lrp', target: 1 }, { gzip: false }), 'fmri-view.json', FmriViewSchema);
    expect(view.volumesSummed).toBe(12);
    expect(view.relevance.scale).toBeCloseTo(6, 5);
    expect(view.nifti).toBe('relevance.nii');
  });
});
