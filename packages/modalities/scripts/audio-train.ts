/**
 * Trains the two spoken-digit demo models on the espeak-ng corpus of scripts/audio-make-digits.ts
 * (run that first) and saves each to demo/audio/<kind>-model/{model.json,weights.bin,training.json}:
 *   spectrogram  AudioMNIST [227, 227, 1] dB spectrogram ('db-unit') → small 2-D CNN
 *   waveform     [8000, 1] raw waveform (peak-scaled) → small 1-D CNN
 * Inputs are built with the adapter's own functions: each epoch embeds every training recording
 * at a fresh seeded random offset (as AudioMNIST), validation and test use the adapter's decode
 * (centred). The epoch with the best accuracy on the validation voices is kept; the test voices
 * are only measured at the end.
 *
 *   npx tsx packages/modalities/scripts/audio-train.ts [spectrogram|waveform|both]
 *
 * Run by hand, never in tests. WebAssembly backend, with the missing convolution-filter gradient
 * and a faster input gradient built from XNNPACK convolutions (@xai/core/tfjs-kernel-patches).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { modelSaveHandler, mulberry32 } from '@xai/core';
import { audioAdapter } from '../src/audio/audio-adapter.js';
import { AUDIOMNIST, audioMnistSpectrogram, embedRecording, scaleWaveform } from '../src/audio/audiomnist.js';
import { AUDIO_DEMO_MODELS, DIGIT_CLASSES } from '../src/audio/demo.js';
import { readWav } from '../src/audio/wav.js';
import { SPLITS, TEST_DIR, TRAIN_CACHE } from './audio-make-digits.js';
import { registerWasmConvFilterGradient, registerWasmConvInputGradient } from '@xai/core/tfjs-kernel-patches';

type Kind = 'spectrogram' | 'waveform';

const CONFIG = {
  spectrogram: { epochs: 16, batchSize: 32, learningRate: 1e-3, inputShape: [AUDIOMNIST.bins, AUDIOMNIST.frames, 1] },
  waveform: { epochs: 24, batchSize: 32, learningRate: 1e-3, inputShape: [AUDIOMNIST.length, 1] },
} as const;
const SEEDS = { init: 42, shuffle: 7, offsets: 11, dropout: 3 };

interface Recording {
  readonly file: string;
  readonly path: string;
  readonly digit: number;
  readonly variant: string;
  readonly samples: Float32Array;
}

function loadSplit(dir: string, variants: readonly string[]): Recording[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((file) => {
      const [digit, , variant] = basename(file, '.wav').split('_') as [string, string, string, string];
      return { file, path: join(dir, file), digit: Number(digit), variant };
    })
    .filter((r) => variants.includes(r.variant))
    .map((r) => ({ ...r, samples: readWav(new Uint8Array(readFileSync(r.path)), r.file).samples }));
}

function buildModel(kind: Kind): tf.Sequential {
  let seed = SEEDS.init;
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const glorot = () => tf.initializers.glorotUniform({ seed: seed++ });
  if (kind === 'spectrogram') {
    const conv = (name: string, filters: number, kernelSize: number, extra: Record<string, unknown> = {}) =>
      tf.layers.conv2d({ name, filters, kernelSize, padding: 'same', activation: 'relu', kernelInitializer: init(), ...extra });
    return tf.sequential({
      layers: [
        conv('conv1', 8, 4, { strides: 4, padding: 'valid', inputShape: [...CONFIG.spectrogram.inputShape] }), // 56×56×8
        conv('conv2', 16, 3),
        tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }), // 28
        conv('conv3', 32, 3),
        tf.layers.maxPooling2d({ name: 'pool3', poolSize: 2 }), // 14
        conv('conv4', 32, 3),
        tf.layers.maxPooling2d({ name: 'pool4', poolSize: 2 }), // 7×7×32
        tf.layers.flatten({ name: 'flatten' }),
        tf.layers.dense({ name: 'fc1', units: 48, activation: 'relu', kernelInitializer: init() }),
        tf.layers.dropout({ name: 'dropout', rate: 0.4 }),
        tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: glorot() }),
      ],
    });
  }
  const conv = (name: string, filters: number, kernelSize: number, extra: Record<string, unknown> = {}) =>
    tf.layers.conv1d({ name, filters, kernelSize, padding: 'same', activation: 'relu', kernelInitializer: init(), ...extra });
  return tf.sequential({
    layers: [
      conv('conv1', 16, 16, { strides: 4, inputShape: [...CONFIG.waveform.inputShape] }), // 2000×16
      tf.layers.maxPooling1d({ name: 'pool1', poolSize: 4 }), // 500
      conv('conv2', 24, 9),
      tf.layers.maxPooling1d({ name: 'pool2', poolSize: 4 }), // 125
      conv('conv3', 32, 5),
      tf.layers.maxPooling1d({ name: 'pool3', poolSize: 4 }), // 31
      conv('conv4', 32, 3),
      tf.layers.maxPooling1d({ name: 'pool4', poolSize: 2 }), // 15×32
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'fc1', units: 48, activation: 'relu', kernelInitializer: init() }),
      tf.layers.dropout({ name: 'dropout', rate: 0.4 }),
      tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: glorot() }),
    ],
  });
}

/** A training input: the recording at a random offset, through the adapter's pre-processing. */
function trainingInput(kind: Kind, rec: Recording, seed: number): Float32Array {
  const { window } = embedRecording(rec.samples, AUDIOMNIST.length, 'random', seed);
  return kind === 'spectrogram' ? audioMnistSpectrogram(window, 'db-unit').values : scaleWaveform(window, 'peak');
}

/** Inputs exactly as the adapter decodes the files for inference (centred). */
async function inferenceInputs(kind: Kind, recs: readonly Recording[]): Promise<Float32Array[]> {
  const spec = [{ shape: [...CONFIG[kind].inputShape], dtype: 'float32' as const }];
  return Promise.all(recs.map(async (r) => {
    const decoded = await audioAdapter.decode([{ name: r.file, bytes: new Uint8Array(readFileSync(r.path)) }], {}, spec);
    return decoded.samples[0]!.values as Float32Array;
  }));
}

function batchTensor(kind: Kind, inputs: readonly Float32Array[]): tf.Tensor {
  const size = inputs[0]!.length;
  const flat = new Float32Array(inputs.length * size);
  inputs.forEach((x, i) => flat.set(x, i * size));
  return tf.tensor(flat, [inputs.length, ...CONFIG[kind].inputShape]);
}

function accuracy(model: tf.LayersModel, kind: Kind, inputs: readonly Float32Array[], labels: readonly number[]): number {
  let correct = 0;
  for (let s = 0; s < inputs.length; s += 64) {
    const pred = tf.tidy(() => (model.predict(batchTensor(kind, inputs.slice(s, s + 64))) as tf.Tensor).argMax(-1).dataSync());
    pred.forEach((p, i) => (correct += p === labels[s + i] ? 1 : 0));
  }
  return correct / labels.length;
}


async function train(kind: Kind, data: { train: Recording[]; val: Recording[]; test: Recording[] }) {
  const { batchSize, learningRate } = CONFIG[kind];
  const epochs = Number(process.env.AUDIO_EPOCHS ?? CONFIG[kind].epochs);
  const model = buildModel(kind);
  model.summary();
  model.compile({ optimizer: tf.train.adam(learningRate), loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits) });
  const valInputs = await inferenceInputs(kind, data.val);
  const valLabels = data.val.map((r) => r.digit);
  const shuffle = mulberry32(SEEDS.shuffle);
  const order = data.train.map((_, i) => i);
  let best = { epoch: -1, valAccuracy: -1, weights: [] as tf.Tensor[] };
  const history: { epoch: number; loss: number; valAccuracy: number; seconds: number }[] = [];
  const t0 = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    let batches = 0;
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const inputs = idx.map((i) => trainingInput(kind, data.train[i]!, SEEDS.offsets * 1_000_003 + epoch * 10_007 + i));
      const x = batchTensor(kind, inputs);
      const y = tf.oneHot(tf.tensor1d(idx.map((i) => data.train[i]!.digit), 'int32'), 10).toFloat();
      const loss = (await model.trainOnBatch(x, y)) as number;
      tf.dispose([x, y]);
      lossSum += loss;
      batches++;
      if (process.stdout.isTTY) process.stdout.write(`  epoch ${epoch + 1} batch ${batches} loss ${(lossSum / batches).toFixed(3)}\r`);
    }
    const valAccuracy = accuracy(model, kind, valInputs, valLabels);
    const seconds = (performance.now() - t0) / 1000;
    history.push({ epoch: epoch + 1, loss: lossSum / batches, valAccuracy, seconds: Math.round(seconds) });
    console.log(`${kind} epoch ${epoch + 1}/${epochs} loss=${(lossSum / batches).toFixed(4)} valAccuracy=${valAccuracy.toFixed(4)} (${seconds.toFixed(0)} s)`);
    if (valAccuracy > best.valAccuracy) {
      best.weights.forEach((w) => w.dispose());
      best = { epoch: epoch + 1, valAccuracy, weights: model.getWeights().map((w) => w.clone()) };
    }
  }
  model.setWeights(best.weights);
  const trainSeconds = (performance.now() - t0) / 1000;
  const testInputs = await inferenceInputs(kind, data.test);
  const testLabels = data.test.map((r) => r.digit);
  const testAccuracy = accuracy(model, kind, testInputs, testLabels);
  const trainAccuracy = accuracy(model, kind, await inferenceInputs(kind, data.train), data.train.map((r) => r.digit));
  const perVariant = Object.fromEntries(SPLITS.test.variants.map((v) => {
    const keep = data.test.map((r, i) => (r.variant === v ? i : -1)).filter((i) => i >= 0);
    return [v, accuracy(model, kind, keep.map((i) => testInputs[i]!), keep.map((i) => testLabels[i]!))];
  }));
  console.log(`${kind}: best epoch ${best.epoch}, train ${trainAccuracy.toFixed(4)}, val ${best.valAccuracy.toFixed(4)}, test ${testAccuracy.toFixed(4)}`, perVariant);
  const dir = dirname(AUDIO_DEMO_MODELS[kind]);
  await model.save(modelSaveHandler(dir));
  writeFileSync(join(dir, 'training.json'), JSON.stringify({
    model: kind,
    input: kind === 'spectrogram'
      ? "AudioMNIST spectrogram [227, 227, 1], scaling 'db-unit' ((dB + 80)/80), recording centred in 8000 samples at 8 kHz"
      : "waveform [8000, 1] at 8 kHz, scaling 'peak', recording centred",
    classes: DIGIT_CLASSES,
    corpus: 'espeak-ng digits (scripts/audio-make-digits.ts), split by voice variant',
    variants: { train: SPLITS.train.variants, val: SPLITS.val.variants, test: SPLITS.test.variants },
    counts: { train: data.train.length, val: data.val.length, test: data.test.length },
    augmentation: 'random offset in the 1 s window, redrawn every epoch (seeded)',
    epochs, batchSize, learningRate, bestEpoch: best.epoch,
    params: model.countParams(),
    trainAccuracy, valAccuracy: best.valAccuracy, testAccuracy, testAccuracyPerVariant: perVariant,
    trainSeconds: Math.round(trainSeconds),
    backend: tf.getBackend(),
    seeds: SEEDS,
    history,
    date: new Date().toISOString(),
  }, null, 2) + '\n');
  best.weights.forEach((w) => w.dispose());
  model.dispose();
  if (testAccuracy < 0.9) console.warn(`WARNING: ${kind} test accuracy ${testAccuracy} < 0.9`);
}

async function main() {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmConvFilterGradient();
  registerWasmConvInputGradient();
  // tfjs draws unseeded dropout masks from Math.random.
  Math.random = mulberry32(SEEDS.dropout);
  const which = process.argv[2] ?? 'both';
  const kinds: Kind[] = which === 'both' ? ['spectrogram', 'waveform'] : [which as Kind];
  if (!kinds.every((k) => k === 'spectrogram' || k === 'waveform')) throw new Error(`usage: audio-train.ts [spectrogram|waveform|both], got ${which}`);
  const data = {
    train: loadSplit(TRAIN_CACHE, SPLITS.train.variants),
    val: loadSplit(TRAIN_CACHE, SPLITS.val.variants),
    test: loadSplit(TEST_DIR, SPLITS.test.variants),
  };
  console.log(`recordings: train ${data.train.length}, val ${data.val.length}, test ${data.test.length}`);
  if (data.train.length === 0) throw new Error(`no training recordings in ${TRAIN_CACHE}: run scripts/audio-make-digits.ts first`);
  for (const kind of kinds) await train(kind, data);
}

await main();
