/** The EEG adapter: registry, decoding to the model's input, preview, artefacts (views, CSV, EDF+) and the explain round trip. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, XaiModel } from '@xai/core';
import { adapterByName, adapterForFiles, eegAdapter, explainInput, modalityCatalog, readEdfBytes, relevanceExponent, type EegInternal } from '../src/index.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'eeg');
const edf = { name: 'recording.edf', bytes: new Uint8Array(readFileSync(join(FIXTURES, 'recording.edf'))) };
const four = ['Fz', 'Cz', 'Pz', 'Oz'];

describe('EEG adapter', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('is registered by name and by .edf, .bdf and .vhdr', () => {
    expect(adapterByName('eeg')).toBe(eegAdapter);
    for (const name of ['a.edf', 'A.BDF', 'rec.vhdr']) expect(adapterForFiles([{ name, bytes: new Uint8Array() }])).toBe(eegAdapter);
    expect(modalityCatalog().map((m) => m.name)).toContain('eeg');
    expect(eegAdapter.demos!.models[0]!.classNames).toEqual(['standard', 'target']);
  });

  it('decodes an epoch around an event: channels × time × 1 with physical axes and metadata', async () => {
    const d = await eegAdapter.decode([edf], { event: 'stimulus/target', tmin: -0.5, duration: 2, channels: four });
    expect(d.samples[0]!.shape).toEqual([4, 512, 1]);
    expect(d.axes).toEqual([{ name: 'channel', labels: four }, { name: 'time', unit: 's', start: -0.5, step: 1 / 256 }, { name: 'feature', labels: ['signal'] }]);
    expect(d.metadata).toMatchObject({ format: 'EDF+C', event: 'stimulus/target', eventOnset: 1, sampleRate: 256, samples: 512, windowStart: 0.5, start: '2020-07-18T10:30:00.000Z', layout: 'channels-time-1' });
    // Pz at 1.5 s (sample 256 of the epoch) is the file's value at 1.5 s
    const rec = readEdfBytes('r', edf.bytes);
    expect(d.samples[0]!.values[2 * 512 + 256]).toBe(rec.channels[2]!.samples[384]);
    expect((d.internal as EegInternal).epoch.annotations.map((a) => [a.onset, a.description])).toEqual([[0, 'stimulus/target']]);
  });

  it('follows the model: channel count, resampling to its rate, [T, C] layout', async () => {
    const d = await eegAdapter.decode([edf], { event: 'ERP window', tmin: -0.25, sampleRate: 64, bandpassLow: 1, bandpassHigh: 20 }, [{ shape: [4, 64, 1], dtype: 'float32' }]);
    expect(d.samples[0]!.shape).toEqual([4, 64, 1]);
    expect(d.metadata).toMatchObject({ channels: four, sampleRate: 64, preprocessing: { bandpass: [1, 20], resampled: true } });
    const tc = await eegAdapter.decode([edf], { start: 2, sampleRate: 128 }, [{ shape: [128, 4], dtype: 'float32' }]);
    expect(tc.samples[0]!.shape).toEqual([128, 4]);
    expect(tc.axes.map((a) => a.name)).toEqual(['time', 'channel']);
    const ct = await eegAdapter.decode([edf], { start: 2, sampleRate: 128, layout: 'channels-time' }, [{ shape: [4, 128], dtype: 'float32' }]);
    for (let t = 0; t < 128; t += 17) for (let c = 0; c < 4; c++) expect(tc.samples[0]!.values[t * 4 + c]).toBe(ct.samples[0]!.values[c * 128 + t]);
  });

  it('names what does not fit', async () => {
    await expect(eegAdapter.decode([edf], { event: 'nope' })).rejects.toThrow(/recording\.edf: no annotation #0 matching 'nope' \(0 match; descriptions: stimulus\/target, ERP window, response\)/);
    await expect(eegAdapter.decode([edf], {}, [{ shape: [6, 64, 1], dtype: 'float32' }])).rejects.toThrow(/the model needs 6 channels, the recording has 5/);
    await expect(eegAdapter.decode([edf], { channels: ['Fz'] }, [{ shape: [2, 64, 1], dtype: 'float32' }])).rejects.toThrow(/the model takes 2 channels, 1 were chosen/);
    await expect(eegAdapter.decode([edf], { start: 7.9, duration: 1 })).rejects.toThrow(/not inside the recorded data/);
    await expect(eegAdapter.decode([{ name: 'x.edf', bytes: new Uint8Array(300) }])).rejects.toThrow(/x\.edf: field 'version'/);
  });

  it('reads BrainVision whatever the order of the three files', async () => {
    const enc = new TextEncoder();
    const data = new Int16Array(2 * 500).map((_, i) => (i % 2 === 0 ? i : -i));
    const files = [
      { name: 'b.eeg', bytes: new Uint8Array(data.buffer) },
      { name: 'b.vmrk', bytes: enc.encode('Brain Vision Data Exchange Marker File, Version 1.0\n[Marker Infos]\nMk1=Stimulus,S  1,101,1,0\n') },
      { name: 'b.vhdr', bytes: enc.encode('Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=b.eeg\nMarkerFile=b.vmrk\nNumberOfChannels=2\nSamplingInterval=4000\n[Binary Infos]\nBinaryFormat=INT_16\n[Channel Infos]\nCh1=Cz,,0.1,µV\nCh2=Pz,,0.1,µV\n') },
    ];
    const d = await eegAdapter.decode(files, { event: 'Stimulus/S  1', tmin: -0.2, duration: 0.8 });
    expect(d.samples[0]!.shape).toEqual([2, 200, 1]);
    expect(d.metadata).toMatchObject({ format: 'BrainVision', eventOnset: 0.4, sampleRate: 250 });
    expect(d.samples[0]!.values[0]).toBeCloseTo(((100 - 50) * 2) * 0.1, 4); // Cz at 0.2 s = sample 50
  });

  it('previews the epoch and turns relevance into views, CSV, an EDF+ recording and JSON', async () => {
    const d = await eegAdapter.decode([edf], { event: 'stimulus/target', tmin: -0.5, duration: 3, channels: four, sampleRate: 128 });
    expect(decode((await eegAdapter.preview(d)).bytes).width).toBeGreaterThan(400);
    const values = d.samples[0]!.values as Float32Array;
    const relevance = Float32Array.from(values, (v, i) => (Math.floor(i / 384) === 2 ? v * 1e-4 : v * 1e-6));
    const arts = await eegAdapter.artefacts(d, { relevances: [{ values: relevance, shape: [4, 384, 1] }], method: 'lrp', target: 1, targetName: 'target' }, { topoWindow: [2, 2.5] });
    expect(arts.map((a) => a.name)).toEqual([
      'relevance-channel-time.png', 'topomap.png', 'topomap-series.png', 'relevance-channels.png', 'relevance-bands.png',
      'relevance.csv', 'relevance-channels.csv', 'relevance.edf', 'eeg-view.json', 'relevance.json',
    ]);
    for (const a of arts.filter((x) => x.mediaType === 'image/png')) expect(decode(a.bytes).width).toBeGreaterThan(100);
    const csv = new TextDecoder().decode(arts.find((a) => a.name === 'relevance.csv')!.bytes).trim().split('\n');
    expect(csv[0]).toBe('time_s,Fz,Cz,Pz,Oz');
    expect(csv).toHaveLength(385);
    expect(csv[1]!.split(',')[0]).toBe('-0.5');
    const perChannel = new TextDecoder().decode(arts.find((a) => a.name === 'relevance-channels.csv')!.bytes).trim().split('\n');
    expect(perChannel[0]).toBe('channel,sum,abs_sum,abs_share,delta,theta,alpha,beta,gamma');
    expect(Number(perChannel[3]!.split(',')[3])).toBeGreaterThan(0.9); // Pz holds nearly all |R|
    // The EDF+ relevance recording: EEG and REL channels, annotations kept, starting at the epoch.
    const rec = readEdfBytes('relevance.edf', arts.find((a) => a.name === 'relevance.edf')!.bytes);
    expect(rec.channels.map((c) => c.label)).toEqual([...four.map((c) => `EEG ${c}`), ...four.map((c) => `REL ${c}`)]);
    expect(rec.start?.toISOString()).toBe('2020-07-18T10:30:00.500Z');
    expect(rec.annotations.map((a) => [a.onset, a.duration, a.description])).toEqual([[0, 3, 'xai lrp relevance for class target'], [0.5, 0, 'stimulus/target'], [2.5, 0.5, 'ERP window']]);
    const rel = rec.channels[6]!;
    const k = relevanceExponent(relevance); // small relevances are stored ×10^k
    expect(k).toBe(4);
    expect(rel.transducer).toBe(`lrp relevance x1e${k}`);
    relevance.subarray(2 * 384, 3 * 384).forEach((v, i) => expect(Math.abs(rel.samples[i]! / 10 ** k - v)).toBeLessThanOrEqual(rel.resolution / 10 ** k));
    const json = JSON.parse(new TextDecoder().decode(arts.at(-1)!.bytes));
    expect(json).toMatchObject({ format: 'xai-relevance', method: 'lrp', shape: [4, 384, 1], channels: four, sampleRate: 128, tmin: -0.5 });
  });

  it('runs the explain round trip on a small EEGNet-style model without leaking tensors', async () => {
    const layers = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [4, 64, 1], filters: 2, kernelSize: [1, 8], padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.depthwiseConv2d({ kernelSize: [4, 1], depthMultiplier: 2, useBias: false, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        tf.layers.activation({ activation: 'elu' }),
        tf.layers.averagePooling2d({ poolSize: [1, 4] }),
        tf.layers.separableConv2d({ filters: 4, kernelSize: [1, 4], padding: 'same', useBias: false, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 3 }), pointwiseInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      ],
    });
    const model = XaiModel.fromLayersModel(layers);
    try {
      const request = { method: 'lrp', composite: 'epsilon_plus', decodeOptions: { event: 'stimulus/target', sampleRate: 64, tmin: -0.25 }, classNames: ['a', 'b'] };
      await explainInput(model, eegAdapter, [edf], request);
      const before = tf.memory().numTensors;
      const out = await explainInput(model, eegAdapter, [edf], request);
      expect(tf.memory().numTensors).toBe(before);
      expect(out.decoded.samples[0]!.shape).toEqual([4, 64, 1]);
      expect(out.artefacts.map((a) => a.name)).toContain('relevance.edf');
    } finally {
      model.dispose();
    }
  });
});
