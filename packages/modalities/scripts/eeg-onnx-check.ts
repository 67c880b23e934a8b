/**
 * Checks the ONNX EEGNet demo (demo/eeg-onnx/model.onnx, trained by eeg-onnx-train.py) with xai:
 * it loads through loadModel, its forward pass matches PyTorch's logits (training.json
 * `torchLogits`, every stimulus epoch of the demo recording), and LRP (EEG_DEMO_LRP, as the tfjs
 * demo) puts the relevance of correctly classified target epochs on the planted P300 channels and
 * window. Writes the numbers into training.json (`xai`). Run by hand after eeg-onnx-train.py:
 *
 *   npx tsx packages/modalities/scripts/eeg-onnx-check.ts [MODEL_DIR]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { explain, forwardAll, initBackend, loadModel, type XaiModel } from '@xai/core';
import { EEG_DEMO_EPOCH, EEG_DEMO_INPUTS, EEG_DEMO_LRP, EEG_ONNX_DEMO_DIR } from '../src/eeg/demo.js';
import { readEdfFile } from '../src/eeg/edf-reader.js';
import { extractEpochs, findEvents } from '../src/eeg/preprocess.js';
import { PLANTED_P300, relevanceShare } from '../src/eeg/synthetic.js';

/** Every stimulus epoch of the demo recording as [N, 1, C, T], with its label (1 = target). */
export function demoEpochs(file = EEG_DEMO_INPUTS[0]!.files[0]!) {
  const recording = readEdfFile(file);
  const events = findEvents(recording, /^stimulus\//);
  const epochs = extractEpochs(recording, events.map((e) => e.onset), EEG_DEMO_EPOCH);
  const [C, T] = [epochs[0]!.channels.length, epochs[0]!.samples];
  const x = new Float32Array(epochs.length * C * T);
  epochs.forEach((e, i) => x.set(e.data, i * C * T));
  return { x, shape: [epochs.length, 1, C, T] as const, labels: events.map((e) => (e.description === 'stimulus/target' ? 1 : 0)), epochs };
}

/** The model's logits for a batch [N, 1, C, T] through the xai graph. */
export function graphLogits(model: XaiModel, x: Float32Array, shape: readonly number[]): number[][] {
  const logits = tf.tidy(() => {
    const values = forwardAll(model.graph, [tf.tensor(x, [...shape])]);
    return values.get(model.graph.outputs[0]!)!.clone();
  });
  const rows = logits.arraySync() as number[][];
  logits.dispose();
  return rows;
}

export interface OnnxDemoCheck {
  readonly maxAbsDiff: number;
  readonly accuracy: number;
  readonly shares: number[];
}

/** Forward against PyTorch's logits, accuracy, and the LRP ground-truth share of each correctly classified target epoch. */
export async function checkOnnxDemo(model: XaiModel, torchLogits: readonly (readonly number[])[]): Promise<OnnxDemoCheck> {
  const demo = demoEpochs();
  const logits = graphLogits(model, demo.x, demo.shape);
  let maxAbsDiff = 0;
  logits.forEach((row, i) => row.forEach((v, k) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - torchLogits[i]![k]!)))));
  const predicted = logits.map((row) => (row[1]! > row[0]! ? 1 : 0));
  const accuracy = predicted.filter((p, i) => p === demo.labels[i]).length / predicted.length;
  const [, , C, T] = demo.shape;
  const shares: number[] = [];
  for (let i = 0; i < demo.labels.length; i++) {
    if (demo.labels[i] !== 1 || predicted[i] !== 1) continue;
    const input = tf.tensor(demo.x.subarray(i * C * T, (i + 1) * C * T), [1, C, T]);
    const result = await explain(model, input, { ...EEG_DEMO_LRP, target: 1 });
    const values = result.relevances[0]!.dataSync();
    shares.push(relevanceShare(values, demo.epochs[i]!.channels, EEG_DEMO_EPOCH.sampleRate!, EEG_DEMO_EPOCH.tmin, PLANTED_P300));
    result.dispose();
    input.dispose();
  }
  return { maxAbsDiff, accuracy, shares };
}

async function main() {
  const dir = process.argv[2] ?? EEG_ONNX_DEMO_DIR;
  await initBackend();
  const trainingPath = join(dir, 'training.json');
  const training = JSON.parse(readFileSync(trainingPath, 'utf8'));
  const model = await loadModel(join(dir, 'model.onnx'));
  const r = await checkOnnxDemo(model, training.torchLogits);
  model.dispose();
  const mean = r.shares.reduce((a, b) => a + b, 0) / r.shares.length;
  console.log(`xai vs torch logits: max abs diff ${r.maxAbsDiff.toExponential(2)}; accuracy ${r.accuracy.toFixed(3)} (torch ${training.demoRecording.accuracy.toFixed(3)})`);
  console.log(`LRP ground truth on ${r.shares.length} correct targets: share mean ${mean.toFixed(3)} min ${Math.min(...r.shares).toFixed(3)}`);
  console.log(r.shares.map((s) => s.toFixed(3)).join(' '));
  training.xai = {
    forwardMaxAbsDiff: Number(r.maxAbsDiff.toPrecision(3)),
    demoAccuracy: r.accuracy,
    groundTruth: {
      lrp: EEG_DEMO_LRP, planted: PLANTED_P300.channels, window: PLANTED_P300.window,
      meanShare: mean, minShare: Math.min(...r.shares), shares: r.shares.map((v) => Number(v.toFixed(4))),
    },
  };
  writeFileSync(trainingPath, JSON.stringify(training, null, 2) + '\n');
  console.log(`updated ${trainingPath}`);
}

if (process.argv[1]?.endsWith('eeg-onnx-check.ts')) await main();
