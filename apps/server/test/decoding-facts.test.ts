/**
 * One's own recording and one's own model: the facts of an uploaded input's files (GET
 * inputs/:id/facts), decoding facts stated with a model upload (stored, shown, used over the file's
 * metadata), an upload that reads but does not fit (`fit: report`), and an explanation decoded with
 * options chosen for the recording. The tfjs EEG demo model carries no metadata, so every channel
 * name and rate it uses here comes from what the upload stated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EEG_DEMO_DIR, EEG_ONNX_DEMO_DIR, EEG_SYNTHETIC_CHANNELS, syntheticEeg, writeEdfPlus } from '@xai/modalities';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, postJson, startServer, upload, waitForJob, type TestServer, type UploadFile } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const eegModelFiles = (): UploadFile[] => [
  { name: 'model.json', bytes: new Uint8Array(readFileSync(join(EEG_DEMO_DIR, 'model.json'))) },
  { name: 'weights.bin', bytes: new Uint8Array(readFileSync(join(EEG_DEMO_DIR, 'weights.bin'))) },
];

/**
 * A 20 s EDF+ at 200 Hz (the demo's: 256 Hz), its channels spelled 'EEG <name>-REF', Oz recorded
 * as 'O-mid' (no name match), plus ECG; stimulus and response annotations.
 */
function ownRecording(): Uint8Array {
  const eeg = syntheticEeg({ seconds: 20, seed: 1811, sampleRate: 200 });
  const signals = eeg.channels.map((c) => ({ label: c.label === 'Oz' ? 'O-mid' : `EEG ${c.label}-REF`, unit: 'uV', sampleRate: 200, samples: c.samples }));
  signals.push({ label: 'ECG', unit: 'uV', sampleRate: 200, samples: new Float32Array(4000).map((_, i) => 300 * Math.sin(i / 30)) });
  return writeEdfPlus(signals, { annotations: eeg.annotations, start: new Date(Date.UTC(2026, 0, 2, 10, 0, 0)) });
}

const threeChannels = () =>
  writeEdfPlus(['A1', 'A2', 'ECG'].map((label, k) => ({ label, unit: 'uV', sampleRate: 128, samples: new Float32Array(1280).map((_, i) => Math.sin((i + k) / 9) * 20) })));

describe('decoding facts of inputs and models', () => {
  let modelId: string;

  it('stores channels, sampling rate, unit and class names stated with a model upload and shows them', async () => {
    const res = await upload(server, '/models', eegModelFiles(), {
      name: 'my eegnet', modality: 'eeg', channels: EEG_SYNTHETIC_CHANNELS.join(', '), sampleRate: '64 Hz', unit: 'uV', layout: 'channels-time-1', classNames: JSON.stringify(['standard', 'target']),
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    modelId = body.id;
    const detail = await json(server.api(`/models/${modelId}`));
    expect(detail.classNames).toEqual(['standard', 'target']);
    expect(detail.decodingFacts).toMatchObject({
      channels: [...EEG_SYNTHETIC_CHANNELS], sampleRate: 64, unit: 'uV', layout: 'channels-time-1',
      sources: { channels: 'upload', sampleRate: 'upload', unit: 'upload', layout: 'upload' },
    });
    // the list says so too
    const listed = (await json(server.api('/models'))).models.find((m: any) => m.id === modelId);
    expect(listed.decodingFacts.sampleRate).toBe(64);
  });

  it("stated facts lie over an ONNX file's metadata_props key by key; what the upload does not state comes from the file", async () => {
    const onnx = { name: 'model.onnx', bytes: new Uint8Array(readFileSync(join(EEG_ONNX_DEMO_DIR, 'model.onnx'))) };
    const plain = await json(upload(server, '/models', [onnx], { modality: 'eeg' }));
    expect(plain.decodingFacts).toMatchObject({ channels: [...EEG_SYNTHETIC_CHANNELS], sampleRate: 64, sources: { channels: 'xai.channels', sampleRate: 'xai.sfreq' } });
    const stated = await json(upload(server, '/models', [onnx], { modality: 'eeg', sampleRate: '128', unit: 'V' }));
    expect(stated.decodingFacts).toMatchObject({ channels: [...EEG_SYNTHETIC_CHANNELS], sampleRate: 128, unit: 'V', sources: { channels: 'xai.channels', sampleRate: 'upload', unit: 'upload' } });
  });

  it('refuses facts it cannot read, naming the field', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ modality: 'eeg', sampleRate: 'fast' }, /field 'sampleRate' must be a sampling rate in Hz/],
      [{ modality: 'eeg', unit: 'kV' }, /field 'unit' must be uV, mV or V/],
      [{ modality: 'eeg', layout: 'sideways' }, /field 'layout' must be one of .*channels-time-1/],
      [{ modality: 'eeg', channels: 'Fz, Cz, fz' }, /field 'channels' lists fz twice/],
      [{ layout: 'channels-time' }, /field 'layout' needs the field 'modality'/],
    ];
    for (const [fields, message] of cases) {
      const res = await upload(server, '/models', eegModelFiles(), fields);
      const body = await res.json();
      expect({ fields, status: res.status }).toEqual({ fields, status: 400 });
      expect(body.message).toMatch(message);
    }
  });

  it("lists an EEG recording's channels, rates, duration and annotations (GET inputs/:id/facts)", async () => {
    const res = await upload(server, '/inputs', [{ name: 'own-recording.edf', bytes: ownRecording() }], { model: modelId, fit: 'report' });
    const input = await res.json();
    expect(res.status, JSON.stringify(input)).toBe(201);
    // O-mid is not Oz: the recording does not fit the model as it is; the upload says why and keeps it
    expect(input.misfit.model).toBe(modelId);
    expect(input.misfit.message).toMatch(/^own-recording\.edf: the model needs 16 channels, the recording has 17: EEG Fp1-REF, .*O-mid, ECG; missing: Oz/);
    const facts = await json(server.api(`/inputs/${input.id}/facts`));
    expect(facts).toMatchObject({ modality: 'eeg', files: ['own-recording.edf'], file: 'own-recording.edf', format: 'EDF+C', duration: 20, sampleRates: [200], start: '2026-01-02T10:00:00.000Z' });
    expect(facts.channels).toHaveLength(17);
    expect(facts.channels[0]).toEqual({ label: 'EEG Fp1-REF', unit: 'uV', sampleRate: 200 });
    expect(facts.channels.map((c: any) => c.label).slice(-2)).toEqual(['O-mid', 'ECG']);
    const descriptions = facts.annotations.map((a: any) => a.description).sort();
    expect(descriptions).toEqual(['response', 'stimulus/standard', 'stimulus/target']);
    const total = facts.annotations.reduce((n: number, a: any) => n + a.count, 0);
    expect(total).toBe(facts.annotationCount);
    expect((await server.api('/inputs/inp-nosuch/facts')).status).toBe(404);

    // explained with channels mapped (O-mid for Oz), the first target epoch, −0.2 s: the stored 64 Hz and the class names are used
    const channels = facts.channels.slice(0, 16).map((c: any) => c.label);
    const job = await json(postJson(server, '/explanations', {
      model: modelId, input: input.id, method: 'lrp', options: { rule: 'epsilon', epsilon: 0.25 },
      decodeOptions: { channels, event: 'stimulus/target', tmin: -0.2, bandpassLow: 0.5, bandpassHigh: 8, baseline: [-0.2, 0] },
    }));
    const done = await waitForJob(server, job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const result = await json(server.api(`/jobs/${job.id}/result`));
    expect(['standard', 'target']).toContain(result.targetName);
    const csv = result.artefacts.find((a: any) => a.name === 'relevance.csv');
    const rows = (await (await fetch(server.url + csv.url)).text()).trim().split('\n');
    expect(rows[0]).toBe(['time_s', ...channels.map((c: string) => c.replace(/^EEG /, ''))].join(',')); // the views name sensors without the type prefix
    expect(rows).toHaveLength(1 + 64); // the model's 64 samples
    const times = rows.slice(1, 3).map((r) => Number(r.split(',')[0]));
    expect(times[0]).toBeCloseTo(-0.2, 9);
    expect(times[1]! - times[0]!).toBeCloseTo(1 / 64, 9); // resampled to the stated 64 Hz (the file is 200 Hz)
  });

  it('a recording that does not fit: a 422 with the precise reason by default, stored with it under fit=report', async () => {
    const strict = await upload(server, '/inputs', [{ name: 'three.edf', bytes: threeChannels() }], { model: modelId });
    const body = await strict.json();
    expect(strict.status).toBe(422);
    expect(body.message).toMatch(/^three\.edf: the model needs 16 channels, the recording has 3: A1, A2, ECG; missing: Fp1, Fp2/);
    const reported = await upload(server, '/inputs', [{ name: 'three.edf', bytes: threeChannels() }], { model: modelId, fit: 'report' });
    const input = await reported.json();
    expect(reported.status).toBe(201);
    expect(input.misfit.message).toBe(body.message);
    expect(input.model).toBeNull();
    // explaining it with the model as it is fails with the same reason
    const job = await json(postJson(server, '/explanations', { model: modelId, input: input.id, method: 'gradient' }));
    const done = await waitForJob(server, job.id);
    expect(done.state).toBe('failed');
    expect(done.error.message).toBe(body.message);
    const bad = await upload(server, '/inputs', [{ name: 'three.edf', bytes: threeChannels() }], { model: modelId, fit: 'maybe' });
    expect(bad.status).toBe(400);
  });

  it('lists the header facts of a NIfTI volume and of a WAV recording', async () => {
    const inputs = (await json(server.api('/inputs'))).inputs;
    const fmri = inputs.find((i: any) => i.modality === 'fmri' && i.source === 'demo');
    const facts = await json(server.api(`/inputs/${fmri.id}/facts`));
    expect(facts.modality).toBe('fmri');
    expect(facts.dims.slice(0, 3)).toEqual([32, 32, 16]);
    expect(facts.voxelSize).toEqual([3, 3, 3]);
    expect(facts.affine).toHaveLength(4);
    expect(['sform', 'qform', 'fallback']).toContain(facts.affineSource);
    const audio = inputs.find((i: any) => i.modality === 'audio' && i.source === 'demo');
    const sound = await json(server.api(`/inputs/${audio.id}/facts`));
    expect(sound).toMatchObject({ modality: 'audio', channels: 1 });
    expect(sound.sampleRate).toBeGreaterThan(0);
    expect(sound.duration).toBeGreaterThan(0);
    const image = inputs.find((i: any) => i.modality === 'image');
    expect(Object.keys(await json(server.api(`/inputs/${image.id}/facts`))).sort()).toEqual(['files', 'modality']);
  });
});
