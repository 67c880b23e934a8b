/**
 * A benchmark of an uploaded model on an uploaded data set decodes the data set with the decoding
 * facts stated at the model's upload. The tfjs EEG demo model carries no metadata; it is uploaded
 * with its channel list and rate stated. Two data sets hold the same recordings: one with the
 * channels in the model's order under plain names, one with them in reverse order named
 * 'EEG <name>-REF' — only the stated channel list maps the second onto the model's order, so both
 * must give the same per-sample scores (without the facts the second is read in file order).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EEG_DEMO_DIR, EEG_SYNTHETIC_CHANNELS, syntheticEeg, writeEdfPlus } from '@xai/modalities';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadDataset } from './dataset-zip.js';
import { json, postJson, startServer, upload, waitForJob, type TestServer } from './helpers.js';

const CLASSES = ['standard', 'target'];

/** A data set zip of four 2 s recordings at 64 Hz, labelled by folder; `scrambled`: channels reversed and renamed. */
function eegZip(scrambled: boolean): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 4; i++) {
    const eeg = syntheticEeg({ seconds: 2, seed: 300 + i, sampleRate: 64 });
    const signals = eeg.channels.map((c) => ({ label: scrambled ? `EEG ${c.label}-REF` : c.label, unit: 'uV', sampleRate: 64, samples: c.samples }));
    if (scrambled) signals.reverse();
    files[`${CLASSES[i % 2]}/rec-${i}.edf`] = writeEdfPlus(signals);
  }
  return zipSync(files);
}

describe('benchmarks use the decoding facts stated with a model', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ concurrency: 1 });
  });
  afterAll(() => server?.close());
  let modelId = '';

  it('an EEG data set whose channel names and order need the stated list scores as the same data in the model order', async () => {
    const files = ['model.json', 'weights.bin'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(EEG_DEMO_DIR, name))) }));
    const res = await upload(server, '/models', files, { modality: 'eeg', channels: EEG_SYNTHETIC_CHANNELS.join(','), sampleRate: '64', classNames: JSON.stringify(CLASSES) });
    const model = await res.json();
    expect(res.status, JSON.stringify(model)).toBe(201);
    modelId = model.id;

    const scores: number[][] = [];
    for (const scrambled of [false, true]) {
      const uploaded = await uploadDataset(server, eegZip(scrambled), { model: model.id });
      const dataset = await uploaded.json();
      expect(uploaded.status, JSON.stringify(dataset)).toBe(201);
      expect(dataset).toMatchObject({ modality: 'eeg', count: 4, labelSource: 'folders', shape: [16, 64, 1], model: model.id });
      const job = await json(postJson(server, '/benchmarks', { model: model.id, dataset: { id: dataset.id }, methods: ['gradient'], metrics: ['sparseness'] }));
      const done = await waitForJob(server, job.id);
      expect(done.error).toBeNull();
      const result = (await json(server.api(`/jobs/${job.id}/result`))).benchmark;
      expect(result.samples).toMatchObject({ count: 4, shape: [16, 64, 1] });
      expect(result.targets).toEqual([0, 1, 0, 1]);
      scores.push(result.scores[0].values);
    }
    // the same samples in the same order: the same gradients (one backend; tolerance 5e-7 absolute, sparseness is in [0, 1])
    expect(scores[1]).toHaveLength(4);
    scores[1]!.forEach((s, i) => expect(s).toBeCloseTo(scores[0]![i]!, 6));
    // and the recordings differ between channels, so reading the scrambled set in file order would not match
    expect(new Set(scores[0]!.map((s) => s.toFixed(6))).size).toBe(4);
  });

  it("the upload's check against the model uses its stated channels: a recording without one of them is a 422 naming it", async () => {
    expect(modelId).toMatch(/^mdl_/); // the model of the test before (without it the demo model would be used)
    // Oz recorded as 'O-mid', plus ECG: read in file order the first 16 EEG channels would do; the stated list needs Oz
    const eeg = syntheticEeg({ seconds: 2, seed: 310, sampleRate: 64 });
    const signals = eeg.channels.map((c) => ({ label: c.label === 'Oz' ? 'O-mid' : c.label, unit: 'uV', sampleRate: 64, samples: c.samples }));
    signals.push({ label: 'ECG', unit: 'uV', sampleRate: 64, samples: new Float32Array(128).map((_, i) => 300 * Math.sin(i / 5)) });
    const res = await uploadDataset(server, zipSync({ 'target/own.edf': writeEdfPlus(signals) }), { model: modelId });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body.message).toMatch(/own\.edf: the model needs 16 channels, the recording has 17: .*; missing: Oz/);
  });
});
