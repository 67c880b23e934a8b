/**
 * Ground truth on the shipped demo (model and recording in demo/eeg/, made by scripts/eeg-make-data.ts
 * and scripts/eeg-train.ts): on the correctly classified target epochs of the demo recording, LRP
 * relevance must lie on the planted channels (Cz, P3, Pz, P4) within the planted window
 * (0.2–0.5 s after the stimulus): at least 60 % of |R| on average over those epochs (the
 * "relevance mass accuracy" of Arras et al. 2022). Also: the model reproduces its recorded
 * accuracy, explanations leak no tensors, and an untrained model fails the check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, type XaiModel } from '@xai/core';
import {
  EEG_DEMO_CLASSES, EEG_DEMO_DIR, EEG_DEMO_EPOCH, EEG_DEMO_INPUTS, EEG_DEMO_LRP, EEG_DEMO_MODELS, eegAdapter, explainInput, extractEpochs, findEvents,
  PLANTED_P300, readEdfFile, relevanceShare,
} from '../src/index.js';


describe('EEG demo: planted P300 ground truth', () => {
  let model: XaiModel;
  const training = JSON.parse(readFileSync(join(EEG_DEMO_DIR, 'training.json'), 'utf8'));
  const recording = readEdfFile(EEG_DEMO_INPUTS[0]!.files[0]!);
  const targets = findEvents(recording, 'stimulus/target');

  beforeAll(async () => {
    await initBackend();
    model = await loadModel(EEG_DEMO_MODELS[0]!.path);
  });
  afterAll(() => model?.dispose());

  it('the shipped model classifies the demo recording as recorded in training.json', () => {
    const events = findEvents(recording, /^stimulus\//);
    const epochs = extractEpochs(recording, events.map((e) => e.onset), EEG_DEMO_EPOCH);
    const x = tf.tensor4d(Float32Array.from(epochs.flatMap((e) => Array.from(e.data))), [epochs.length, 16, 64, 1]);
    const predicted = tf.tidy(() => (model.layersModel.predict(x) as tf.Tensor).argMax(-1).dataSync());
    x.dispose();
    expect(epochs.length).toBe(training.demoRecording.epochs);
    let correct = 0;
    events.forEach((e, i) => (correct += Number(predicted[i] === (e.description === 'stimulus/target' ? 1 : 0))));
    expect(correct / events.length).toBeCloseTo(training.demoRecording.accuracy, 6);
    expect(training.test.balancedAccuracy).toBeGreaterThan(0.8);
  });

  it('on the correctly classified target epochs, ≥ 60 % of |relevance| lies on Cz/P3/Pz/P4 within 0.2–0.5 s', async () => {
    const shares: number[] = [];
    const files = EEG_DEMO_INPUTS[0]!.files.map((f) => ({ name: f.split('/').pop()!, bytes: new Uint8Array(readFileSync(f)) }));
    for (let i = 0; i < targets.length; i++) {
      const before = tf.memory().numTensors;
      const out = await explainInput(model, eegAdapter, files, {
        ...EEG_DEMO_LRP, target: 1, classNames: EEG_DEMO_CLASSES, decodeOptions: { preset: 'demo', event: 'stimulus/target', eventIndex: i },
      });
      if (i > 0) expect(tf.memory().numTensors).toBe(before); // (the first call caches derived kernels on the model)
      if (out.logits[1]! <= out.logits[0]!) continue; // misclassified: not part of the check
      const json = JSON.parse(new TextDecoder().decode(out.artefacts.find((a) => a.name === 'relevance.json')!.bytes));
      shares.push(relevanceShare(json.values, json.channels, json.sampleRate, json.tmin, PLANTED_P300));
    }
    expect(shares.length).toBe(training.demoRecording.correctTargets);
    expect(shares.length).toBeGreaterThanOrEqual(0.8 * targets.length);
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    expect(mean).toBeGreaterThanOrEqual(0.6);
    expect(mean).toBeCloseTo(training.groundTruth.meanShare, 3); // as measured when the model was trained
    // Most epochs meet it one by one, too.
    expect(shares.filter((v) => v >= 0.6).length).toBeGreaterThanOrEqual(shares.length / 2);
  });

  it('an untrained model of the same shape does not meet the ground truth (the check can fail)', async () => {
    const { buildEegNet } = await import('../scripts/eeg-train.js');
    const { XaiModel } = await import('@xai/core');
    const untrained = XaiModel.fromLayersModel(buildEegNet([16, 64, 1], 123));
    try {
      const [epoch] = extractEpochs(recording, [targets[0]!.onset], EEG_DEMO_EPOCH);
      const out = await explainInput(untrained, eegAdapter, [{ name: 'demo.edf', bytes: new Uint8Array(readFileSync(EEG_DEMO_INPUTS[0]!.files[0]!)) }], {
        ...EEG_DEMO_LRP, target: 1, decodeOptions: { preset: 'demo', event: 'stimulus/target' },
      });
      const json = JSON.parse(new TextDecoder().decode(out.artefacts.find((a) => a.name === 'relevance.json')!.bytes));
      expect(epoch!.data.length).toBe(json.values.length);
      expect(relevanceShare(json.values, json.channels, json.sampleRate, json.tmin)).toBeLessThan(0.4);
    } finally {
      untrained.dispose();
    }
  });
});
