/**
 * The ONNX EEGNet demo (demo/eeg-onnx/, trained in PyTorch by scripts/eeg-onnx-train.py on the
 * epochs scripts/eeg-onnx-export-epochs.ts wrote; numbers in training.json): the committed
 * model.onnx loads, carries its channels, rate and classes in metadata_props, computes PyTorch's
 * logits, and explained through the EEG adapter on the committed demo recording its predictions
 * agree with the epochs' labels and LRP relevance lies on the planted P300 (Cz, P3, Pz, P4 within
 * 0.2–0.5 s), as for the tfjs demo (eeg-ground-truth.test.ts).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel, type XaiModel } from '@xai/core';
import {
  EEG_DEMO_CLASSES, EEG_DEMO_EPOCH, EEG_DEMO_INPUTS, EEG_DEMO_LRP, EEG_DEMO_MODELS, EEG_ONNX_DEMO_DIR, EEG_SYNTHETIC_CHANNELS, eegAdapter, eegModelInfo, explainInput,
  PLANTED_P300, relevanceShare,
} from '../src/index.js';
import { demoEpochs, graphLogits } from '../scripts/eeg-onnx-check.js';

describe('ONNX EEGNet demo', () => {
  let model: XaiModel;
  const training = JSON.parse(readFileSync(join(EEG_ONNX_DEMO_DIR, 'training.json'), 'utf8'));
  const demo = demoEpochs();
  // What the gallery registers: the ONNX model and the recording given with it.
  const gallery = EEG_DEMO_MODELS.find((m) => m.name === 'eeg-eegnet-onnx')!;
  const file = EEG_DEMO_INPUTS.find((i) => i.model === gallery.name)!.files[0]!;
  const files = [{ name: basename(file), bytes: new Uint8Array(readFileSync(file)) }];

  beforeAll(async () => {
    await initBackend();
    model = await loadModel(gallery.path);
  });
  afterAll(() => model?.dispose());

  it('loads as a channels-first ONNX model [N, 1, 16, 64] whose metadata_props name its channels, rate, unit and classes', () => {
    expect(model.format).toBe('onnx');
    expect(model.inputShapes[0]!.slice(1)).toEqual([1, 16, 64]);
    expect(model.outputShapes[0]!.slice(1)).toEqual([2]);
    const metadata = model.onnxModel!.metadata;
    expect(metadata).toEqual(training.metadataProps);
    const info = eegModelInfo(metadata, 'model.onnx');
    expect(info.channels).toEqual(EEG_SYNTHETIC_CHANNELS);
    expect(info.sfreq).toBe(EEG_DEMO_EPOCH.sampleRate);
    expect(info.unit).toBe('uV');
    expect(info.classes).toEqual(EEG_DEMO_CLASSES);
    expect(Number(metadata['xai.tmin'])).toBe(EEG_DEMO_EPOCH.tmin);
    expect(Number(metadata['xai.tmax'])).toBeCloseTo(EEG_DEMO_EPOCH.tmin + EEG_DEMO_EPOCH.samples! / EEG_DEMO_EPOCH.sampleRate!, 9);
  });

  it("computes PyTorch's logits on every stimulus epoch of the demo recording (|Δ| ≤ 1e-4) and its recorded accuracy", () => {
    const logits = graphLogits(model, demo.x, demo.shape);
    expect(logits.length).toBe(training.demoRecording.epochs);
    let maxDiff = 0;
    logits.forEach((row, i) => row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - training.torchLogits[i][k])))));
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    const correct = logits.filter((row, i) => Number(row[1]! > row[0]!) === demo.labels[i]).length;
    expect(correct / logits.length).toBeCloseTo(training.demoRecording.accuracy, 6);
    expect(training.test.balancedAccuracy).toBeGreaterThan(0.9);
  });

  /** LRP relevance [C × T] of class 'target' for epoch i of the demo recording, as trained on. */
  async function relevanceOf(i: number): Promise<Float32Array> {
    const [, , C, T] = demo.shape;
    const input = tf.tensor(demo.x.subarray(i * C * T, (i + 1) * C * T), [1, C, T]);
    const result = await explain(model, input, { ...EEG_DEMO_LRP, target: 1 });
    const values = result.relevances[0]!.dataSync() as Float32Array;
    result.dispose();
    input.dispose();
    return values;
  }
  const targets = demo.labels.flatMap((label, i) => (label === 1 ? [i] : []));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const { sampleRate, tmin } = { sampleRate: EEG_DEMO_EPOCH.sampleRate!, tmin: EEG_DEMO_EPOCH.tmin };

  it('on the correctly classified target epochs, ≥ 60 % of |R| lies on Cz/P3/Pz/P4 within 0.2–0.5 s (and not after it)', async () => {
    const logits = training.torchLogits as number[][];
    const correct = targets.filter((i) => logits[i]![1]! > logits[i]![0]!);
    expect(correct.length).toBe(training.demoRecording.correctTargets);
    expect(correct.length).toBeGreaterThanOrEqual(0.8 * targets.length);
    const shares: number[] = [];
    const after: number[] = [];
    for (const i of correct) {
      const r = await relevanceOf(i);
      shares.push(relevanceShare(r, EEG_SYNTHETIC_CHANNELS, sampleRate, tmin, PLANTED_P300));
      // The same measure on the planted channels after the P300 window (0.5–0.8 s): the check can fail.
      after.push(relevanceShare(r, EEG_SYNTHETIC_CHANNELS, sampleRate, tmin, { channels: PLANTED_P300.channels, window: [0.5, 0.8] }));
    }
    expect(mean(shares)).toBeGreaterThanOrEqual(0.6);
    expect(mean(shares)).toBeCloseTo(training.xai.groundTruth.meanShare, 4); // as measured by scripts/eeg-onnx-check.ts
    expect(shares.filter((v) => v >= 0.6).length).toBeGreaterThanOrEqual(shares.length / 2);
    expect(mean(after)).toBeLessThan(0.15);
  });

  it('end to end through the EEG adapter (the gallery\'s path): target epochs decode as in training, are classified as labelled, relevance as above', async () => {
    const [, , C, T] = demo.shape;
    for (let k = 0; k < 4; k++) {
      const i = targets[k]!;
      const before = tf.memory().numTensors;
      const out = await explainInput(model, eegAdapter, files, { ...EEG_DEMO_LRP, target: 1, decodeOptions: { ...gallery.decodeOptions, eventIndex: k } });
      if (k > 0) expect(tf.memory().numTensors).toBe(before); // (the first call caches derived kernels on the model)
      const sample = out.decoded.samples[0]!;
      expect(sample.shape).toEqual([1, C, T]);
      // The adapter filters a window around its one epoch, training filtered whole recordings: equal up to the filter's edges.
      const trained = demo.x.subarray(i * C * T, (i + 1) * C * T);
      expect(Math.max(...Array.from(sample.values, (v, j) => Math.abs(v - trained[j]!)))).toBeLessThan(0.05); // µV, epochs reach ±90 µV
      const torch = training.torchLogits[i];
      expect(out.logits[1]! - out.logits[0]!).toBeCloseTo(torch[1] - torch[0], 2);
      expect(out.logits[1]!).toBeGreaterThan(out.logits[0]!); // labelled target, classified target
      const json = JSON.parse(new TextDecoder().decode(out.artefacts.find((a) => a.name === 'relevance.json')!.bytes));
      expect(json.channels).toEqual(EEG_SYNTHETIC_CHANNELS);
      expect(json.targetName).toBe('target');
      const share = relevanceShare(json.values, json.channels, json.sampleRate, json.tmin, PLANTED_P300);
      expect(share).toBeCloseTo(relevanceShare(await relevanceOf(i), EEG_SYNTHETIC_CHANNELS, sampleRate, tmin, PLANTED_P300), 2);
      expect(share).toBeGreaterThan(0.5);
    }
  });

  it("a standard epoch is explained as 'standard' (the model's class names come from its metadata)", async () => {
    const out = await explainInput(model, eegAdapter, files, { ...EEG_DEMO_LRP, decodeOptions: { ...gallery.decodeOptions, event: 'stimulus/standard' } });
    const first = demo.labels.indexOf(0);
    expect(out.target).toBe(training.torchLogits[first][0] > training.torchLogits[first][1] ? 0 : 1);
    expect(out.target).toBe(0);
    const json = JSON.parse(new TextDecoder().decode(out.artefacts.find((a) => a.name === 'relevance.json')!.bytes));
    expect(json.target).toBe(0);
    expect(json.targetName).toBe('standard');
  });
});
