/**
 * Evaluates a trained EEG demo model on the demo recording: accuracy, and the ground-truth share
 * of LRP relevance on the planted channels within the planted window for each correctly
 * classified target epoch. Used by eeg-train.ts (numbers go into training.json) and runnable alone:
 *
 *   npx tsx packages/modalities/scripts/eeg-demo-check.ts [MODEL_DIR]
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, type XaiModel } from '@xai/core';
import { EEG_DEMO_CLASSES, EEG_DEMO_DIR, EEG_DEMO_EPOCH, EEG_DEMO_INPUTS, EEG_DEMO_LRP } from '../src/eeg/demo.js';
import { eegAdapter } from '../src/eeg/eeg-adapter.js';
import { readEdfFile } from '../src/eeg/edf-reader.js';
import { extractEpochs, findEvents } from '../src/eeg/preprocess.js';
import { PLANTED_P300, relevanceShare } from '../src/eeg/synthetic.js';
import { explainInput } from '../src/explain-input.js';

export interface DemoCheck {
  readonly accuracy: number;
  readonly epochs: number;
  readonly targets: number;
  readonly correctTargets: number;
  readonly shares: number[];
}

/** Accuracy over all stimulus epochs of the demo recording, and the per-target ground-truth shares. */
export async function checkDemo(model: XaiModel, file = EEG_DEMO_INPUTS[0]!.files[0]!): Promise<DemoCheck> {
  const recording = readEdfFile(file);
  const events = findEvents(recording, /^stimulus\//);
  const epochs = extractEpochs(recording, events.map((e) => e.onset), EEG_DEMO_EPOCH);
  const [C, T] = [epochs[0]!.channels.length, epochs[0]!.samples];
  const x = tf.tensor4d(Float32Array.from(epochs.flatMap((e) => Array.from(e.data))), [epochs.length, C, T, 1]);
  const predicted = tf.tidy(() => (model.layersModel.predict(x) as tf.Tensor).argMax(-1).dataSync());
  x.dispose();
  let correct = 0;
  events.forEach((e, i) => (correct += Number(predicted[i] === (e.description === 'stimulus/target' ? 1 : 0))));
  const files = [{ name: basename(file), bytes: new Uint8Array(readFileSync(file)) }];
  const targets = events.filter((e) => e.description === 'stimulus/target');
  const shares: number[] = [];
  for (let i = 0; i < targets.length; i++) {
    const out = await explainInput(model, eegAdapter, files, { ...EEG_DEMO_LRP, target: 1, classNames: EEG_DEMO_CLASSES, decodeOptions: { preset: 'demo', event: 'stimulus/target', eventIndex: i } });
    if (out.logits[1]! <= out.logits[0]!) continue;
    const json = JSON.parse(new TextDecoder().decode(out.artefacts.find((a) => a.name === 'relevance.json')!.bytes));
    shares.push(relevanceShare(json.values, json.channels, json.sampleRate, json.tmin, PLANTED_P300));
  }
  return { accuracy: correct / events.length, epochs: events.length, targets: targets.length, correctTargets: shares.length, shares };
}

if (process.argv[1]?.endsWith('eeg-demo-check.ts')) {
  const dir = process.argv[2] ?? EEG_DEMO_DIR;
  const model = await loadModel(join(dir, 'model.json'));
  const r = await checkDemo(model);
  const mean = r.shares.reduce((a, b) => a + b, 0) / r.shares.length;
  console.log(`accuracy ${r.accuracy.toFixed(3)} (${r.epochs} epochs); ${r.correctTargets}/${r.targets} targets correct; share mean ${mean.toFixed(3)} min ${Math.min(...r.shares).toFixed(3)}`);
  console.log(r.shares.map((s) => s.toFixed(3)).join(' '));
  model.dispose();
}
