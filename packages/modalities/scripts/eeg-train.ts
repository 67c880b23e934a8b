/**
 * Trains the EEG demo model, an EEGNet-style network (Lawhern et al. 2018: temporal Conv2D,
 * depthwise spatial convolution, separable convolution), on the synthetic oddball recordings that
 * eeg-make-data.ts writes, read back with the project's EDF+ reader and cut into epochs with the
 * demo's pre-processing (EEG_DEMO_EPOCH). Saves model.json, weights.bin and training.json to
 * packages/modalities/demo/eeg/.
 *
 *   npx tsx packages/modalities/scripts/eeg-make-data.ts
 *   npx tsx packages/modalities/scripts/eeg-train.ts [--data DIR] [--epochs 30]
 *
 * Recordings 1–6 train, 7–8 test. Pure tfjs on the cpu backend (tests never retrain).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadModel, modelSaveHandler, mulberry32 } from '@xai/core';
import { useFastCpuChannelKernels, useFastCpuConvFilterGradient, useFastCpuDepthwiseFilterGradient } from '@xai/core/tfjs-kernel-patches';
import { EEG_DEMO_CLASSES, EEG_DEMO_DIR, EEG_DEMO_EPOCH, EEG_DEMO_LRP } from '../src/eeg/demo.js';
import { checkDemo } from './eeg-demo-check.js';
import { readEdfFile } from '../src/eeg/edf-reader.js';
import { extractEpochs, findEvents } from '../src/eeg/preprocess.js';
import { PLANTED_P300, SYNTHETIC_CHANNELS } from '../src/eeg/synthetic.js';

const SEEDS = { init: 42, fit: 7 };

/** Epochs and labels (1 = target) of the recordings in `files`. */
export function loadEpochs(files: readonly string[]) {
  const xs: Float32Array[] = [];
  const labels: number[] = [];
  for (const file of files) {
    const rec = readEdfFile(file);
    const events = findEvents(rec, /^stimulus\//);
    const epochs = extractEpochs(rec, events.map((e) => e.onset), EEG_DEMO_EPOCH);
    epochs.forEach((e, i) => {
      xs.push(e.data);
      labels.push(events[i]!.description === 'stimulus/target' ? 1 : 0);
    });
  }
  const [C, T] = [SYNTHETIC_CHANNELS.length, EEG_DEMO_EPOCH.samples!];
  const flat = new Float32Array(xs.length * C * T);
  xs.forEach((x, i) => flat.set(x, i * C * T));
  return { x: flat, labels: Int32Array.from(labels), count: xs.length, shape: [C, T, 1] as [number, number, number] };
}

/**
 * EEGNet-8,2 with short kernels, so relevance keeps its place in time: Conv2D(1×16, 0.25 s) → BN →
 * DepthwiseConv2D(C×1, D=2) → BN → ELU → AvgPool(1×4) → Dropout → SeparableConv2D(1×4, 0.25 s) →
 * BN → ELU → AvgPool(1×2) → Dropout → Flatten (8 time bins of 125 ms × 16) → Dense(2) logits.
 */
export function buildEegNet(shape: [number, number, number], seed = SEEDS.init): tf.Sequential {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const [C] = shape;
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'temporal', inputShape: shape, filters: 8, kernelSize: [1, 16], padding: 'same', useBias: false, kernelInitializer: init() }),
      tf.layers.batchNormalization({ name: 'bn1', momentum: 0.9 }),
      tf.layers.depthwiseConv2d({
        name: 'spatial', kernelSize: [C, 1], depthMultiplier: 2, useBias: false, depthwiseInitializer: init(),
        depthwiseRegularizer: tf.regularizers.l1({ l1: 1e-2 }), // sparse spatial filters: few channels carry the decision
      }),
      tf.layers.batchNormalization({ name: 'bn2', momentum: 0.9 }),
      tf.layers.activation({ name: 'elu1', activation: 'elu' }),
      tf.layers.averagePooling2d({ name: 'pool1', poolSize: [1, 4] }),
      tf.layers.dropout({ name: 'drop1', rate: 0.25 }),
      tf.layers.separableConv2d({ name: 'separable', filters: 16, kernelSize: [1, 4], padding: 'same', useBias: false, depthwiseInitializer: init(), pointwiseInitializer: init() }),
      tf.layers.batchNormalization({ name: 'bn3', momentum: 0.9 }),
      tf.layers.activation({ name: 'elu2', activation: 'elu' }),
      tf.layers.averagePooling2d({ name: 'pool2', poolSize: [1, 2] }),
      tf.layers.dropout({ name: 'drop2', rate: 0.25 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'logits', units: 2, kernelInitializer: init(), kernelRegularizer: tf.regularizers.l1l2({ l1: 1e-3, l2: 1e-3 }) }),
    ],
  });
}

/**
 * tfjs 4.22 serialises DepthwiseConv2D's depthwiseRegularizer also as its depthwise_constraint,
 * which then breaks loading (a regularizer returns a scalar); the layer has no constraint.
 */
function clearDepthwiseConstraints(topology: unknown): void {
  const layers = (topology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
  for (const layer of layers) if (layer.class_name === 'DepthwiseConv2D') layer.config.depthwise_constraint = null;
}

function predictions(model: tf.LayersModel, x: tf.Tensor): Int32Array {
  return tf.tidy(() => (model.predict(x, { batchSize: 256 }) as tf.Tensor).argMax(-1).dataSync() as Int32Array);
}

function scores(pred: Int32Array, labels: Int32Array) {
  let correct = 0;
  const hit = [0, 0];
  const n = [0, 0];
  for (let i = 0; i < labels.length; i++) {
    n[labels[i]!]++;
    if (pred[i] === labels[i]) {
      correct++;
      hit[labels[i]!]++;
    }
  }
  return { accuracy: correct / labels.length, balancedAccuracy: (hit[0]! / n[0]! + hit[1]! / n[1]!) / 2, targetRecall: hit[1]! / n[1]! };
}

async function main() {
  const { values } = parseArgs({ options: { data: { type: 'string', default: join(tmpdir(), 'xai-eeg-data') }, epochs: { type: 'string', default: '20' }, out: { type: 'string', default: EEG_DEMO_DIR } } });
  const outDir = values.out!;
  const files = readdirSync(values.data!).filter((f) => /^rec-\d+\.edf$/.test(f)).sort().map((f) => join(values.data!, f));
  if (files.length < 3) throw new Error(`${values.data}: run eeg-make-data.ts first (found ${files.length} recordings)`);
  await tf.setBackend('cpu');
  useFastCpuConvFilterGradient(); // training speed on the cpu backend, same results
  useFastCpuChannelKernels();
  useFastCpuDepthwiseFilterGradient();
  Math.random = mulberry32(SEEDS.fit); // fit() shuffling and dropout masks
  const train = loadEpochs(files.slice(0, -2));
  const test = loadEpochs(files.slice(-2));
  console.log(`train ${train.count} epochs (${train.labels.reduce((a, b) => a + b, 0)} targets), test ${test.count}`);
  const xTrain = tf.tensor4d(train.x, [train.count, ...train.shape]);
  const yTrain = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 2).toFloat();
  const xTest = tf.tensor4d(test.x, [test.count, ...test.shape]);
  const model = buildEegNet(train.shape);
  model.summary();
  model.compile({ optimizer: tf.train.adam(3e-3), loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits), metrics: ['accuracy'] });
  const targets = train.labels.reduce((a, b) => a + b, 0);
  const classWeight = { 0: 1, 1: (train.count - targets) / targets };
  const epochs = Number(values.epochs);
  const t0 = performance.now();
  await model.fit(xTrain, yTrain, {
    epochs, batchSize: 32, shuffle: true, classWeight,
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        const s = scores(predictions(model, xTest), test.labels);
        console.log(`epoch ${epoch + 1}/${epochs} loss=${logs!.loss!.toFixed(4)} test acc=${s.accuracy.toFixed(3)} balanced=${s.balancedAccuracy.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      },
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const trainScores = scores(predictions(model, xTrain), train.labels);
  const testScores = scores(predictions(model, xTest), test.labels);
  console.log('train', trainScores, 'test', testScores);
  await model.save(modelSaveHandler(outDir, { fixTopology: clearDepthwiseConstraints }));
  // Reload the saved files through the engine (checks they load) and measure the demo's ground truth.
  const saved = await loadModel(join(outDir, 'model.json'));
  const demo = await checkDemo(saved);
  saved.dispose();
  const meanShare = demo.shares.reduce((a, b) => a + b, 0) / demo.shares.length;
  console.log(`demo recording: accuracy ${demo.accuracy.toFixed(3)}, ${demo.correctTargets}/${demo.targets} targets correct, ground-truth share mean ${meanShare.toFixed(3)} min ${Math.min(...demo.shares).toFixed(3)}`);
  writeFileSync(join(outDir, 'training.json'), JSON.stringify({
    model: 'EEGNet-8,2 with short kernels (temporal Conv2D 1×16, depthwise spatial 16×1 ×2, separable 1×4, pools 1×4 and 1×2), logits',
    classes: EEG_DEMO_CLASSES,
    inputShape: train.shape,
    layout: 'channels × time × 1',
    preprocessing: EEG_DEMO_EPOCH,
    events: '/^stimulus\\//',
    planted: PLANTED_P300,
    data: { generator: 'scripts/eeg-make-data.ts', trainRecordings: files.slice(0, -2).map((f) => f.split('/').pop()), testRecordings: files.slice(-2).map((f) => f.split('/').pop()), trainEpochs: train.count, testEpochs: test.count },
    epochs, batchSize: 32, optimizer: 'adam 3e-3', classWeight, params: model.countParams(),
    train: trainScores, test: testScores, trainSeconds: Math.round(trainSeconds), seeds: SEEDS,
    demoRecording: { file: 'demo-recording.edf', epochs: demo.epochs, accuracy: demo.accuracy, targets: demo.targets, correctTargets: demo.correctTargets },
    groundTruth: {
      lrp: EEG_DEMO_LRP, planted: PLANTED_P300.channels, window: PLANTED_P300.window,
      meanShare, minShare: Math.min(...demo.shares), shares: demo.shares.map((v) => Number(v.toFixed(4))),
    },
  }, null, 2) + '\n');
  console.log(`saved to ${outDir}`);
}

if (process.argv[1]?.endsWith('eeg-train.ts')) await main();
