/**
 * Trains the VQA demo model on generated CLEVR-style scenes and questions (src/vqa/) and saves it
 * to demo/vqa/model/{model.json, weights.bin, training.json}:
 *
 *   image [48, 48, 3] → Conv2D(16) → MaxPool → Conv2D(32) → MaxPool → Conv2D(32) → MaxPool → Flatten ─┐
 *   question ids [14] → Embedding(16, maskZero, frozen) → LSTM(48) ─────────────────────────────────────┤
 *                                                        Concatenate → Dense(128, relu) → Dense(18 answers)
 *
 *   nice npx tsx packages/modalities/scripts/vqa-train.ts
 *
 * Run by hand, never in tests. tfjs on the wasm backend (XNNPACK convolutions; the Conv2D gradient
 * kernels wasm lacks or runs slowly are patched, see @xai/core/tfjs-kernel-patches). The Embedding is
 * frozen at its seeded random initialisation: its gradient needs UnsortedSegmentSum, which wasm
 * does not have, and with 31 words random 16-d vectors are distinct enough for the LSTM to learn on.
 * Training and held-out data come from fixed seeds (src/vqa/splits.ts), batches from a seeded shuffle.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { modelLoadHandler, modelSaveHandler, mulberry32 } from '@xai/core';
import { ANSWERS } from '../src/vqa/answers.js';
import { exampleArrays, generateDataset, type VqaDataset } from '../src/vqa/dataset.js';
import { IMAGE_SIZE } from '../src/vqa/scene.js';
import { VQA_SPLITS } from '../src/vqa/splits.js';
import { QUESTION_LENGTH, QUESTION_WORDS } from '../src/vqa/vocabulary.js';
import { registerWasmConvFilterGradient, registerWasmConvInputGradient } from '@xai/core/tfjs-kernel-patches';

const DIR = fileURLToPath(new URL('../demo/vqa/model/', import.meta.url));
const SEEDS = { init: 11, shuffle: 12 };
const BATCH_SIZE = 128;
const EPOCHS = Number(process.env.VQA_EPOCHS ?? 6);
const LEARNING_RATE = 0.003;

export function buildVqaModel(): tf.LayersModel {
  let seed = SEEDS.init;
  const glorot = () => tf.initializers.glorotUniform({ seed: seed++ });
  const image = tf.input({ shape: [IMAGE_SIZE, IMAGE_SIZE, 3], name: 'image' });
  const question = tf.input({ shape: [QUESTION_LENGTH], dtype: 'int32', name: 'question' });
  let x: tf.SymbolicTensor = image;
  for (const [i, filters] of [16, 32, 32].entries()) {
    x = tf.layers.conv2d({ name: `conv${i + 1}`, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: glorot() }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ name: `pool${i + 1}`, poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  }
  const imageFeatures = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  const embedded = tf.layers
    .embedding({
      name: 'embedding', inputDim: QUESTION_WORDS.length + 2, outputDim: 16, maskZero: true, trainable: false,
      embeddingsInitializer: tf.initializers.randomNormal({ stddev: 1, seed: seed++ }),
    })
    .apply(question) as tf.SymbolicTensor;
  const questionFeatures = tf.layers
    .lstm({ name: 'lstm', units: 48, kernelInitializer: glorot(), recurrentInitializer: tf.initializers.orthogonal({ seed: seed++ }) })
    .apply(embedded) as tf.SymbolicTensor;
  const fused = tf.layers.concatenate({ name: 'fuse' }).apply([imageFeatures, questionFeatures]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ name: 'hidden', units: 128, activation: 'relu', kernelInitializer: glorot() }).apply(fused) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: 'answer', units: ANSWERS.length, kernelInitializer: glorot() }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: [image, question], outputs: logits, name: 'vqa' });
}

/** Model inputs of examples [from, to) in `order`, built on demand (all images at once would take ~0.7 GB). */
function batchOf(data: VqaDataset, arrays: ReturnType<typeof exampleArrays>, order: readonly number[], from: number, to: number) {
  const size = IMAGE_SIZE * IMAGE_SIZE * 3;
  const n = to - from;
  const images = new Float32Array(n * size);
  const ids = new Int32Array(n * QUESTION_LENGTH);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const e = order[from + i]!;
    images.set(data.rendered[data.examples[e]!.scene]!.rgb, i * size);
    ids.set(arrays.ids.subarray(e * QUESTION_LENGTH, (e + 1) * QUESTION_LENGTH), i * QUESTION_LENGTH);
    labels[i] = arrays.labels[e]!;
  }
  return { images, ids, labels, n };
}

function accuracy(model: tf.LayersModel, data: VqaDataset, arrays: ReturnType<typeof exampleArrays>): { accuracy: number; perFamily: Record<string, number> } {
  const order = data.examples.map((_, i) => i);
  const right = new Map<string, [number, number]>();
  let correct = 0;
  for (let from = 0; from < order.length; from += 256) {
    const b = batchOf(data, arrays, order, from, Math.min(order.length, from + 256));
    const predicted = tf.tidy(() => (model.predict([tf.tensor4d(b.images, [b.n, IMAGE_SIZE, IMAGE_SIZE, 3]), tf.tensor2d(b.ids, [b.n, QUESTION_LENGTH], 'int32')]) as tf.Tensor).argMax(-1).dataSync());
    for (let i = 0; i < b.n; i++) {
      const family = data.examples[from + i]!.question.family;
      const ok = predicted[i] === b.labels[i];
      const [c, t] = right.get(family) ?? [0, 0];
      right.set(family, [c + (ok ? 1 : 0), t + 1]);
      if (ok) correct++;
    }
  }
  return { accuracy: correct / order.length, perFamily: Object.fromEntries([...right].map(([f, [c, t]]) => [f, c / t])) };
}

function majorityBaseline(train: VqaDataset, heldout: VqaDataset): { answer: string; accuracy: number } {
  const counts = new Array<number>(ANSWERS.length).fill(0);
  for (const e of train.examples) counts[e.label]++;
  const best = counts.indexOf(Math.max(...counts));
  return { answer: ANSWERS[best]!, accuracy: heldout.examples.filter((e) => e.label === best).length / heldout.examples.length };
}

async function main() {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmConvFilterGradient();
  registerWasmConvInputGradient();
  const t0 = performance.now();
  const train = generateDataset(VQA_SPLITS.train.seed, VQA_SPLITS.train);
  const heldout = generateDataset(VQA_SPLITS.heldout.seed, VQA_SPLITS.heldout);
  const trainArrays = exampleArrays({ ...train, rendered: train.rendered.slice(0, 1) }, train.examples.map((e) => ({ ...e, scene: 0 })));
  const heldoutArrays = exampleArrays({ ...heldout, rendered: heldout.rendered.slice(0, 1) }, heldout.examples.map((e) => ({ ...e, scene: 0 })));
  console.log(`data: ${train.examples.length} training, ${heldout.examples.length} held-out questions (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const baseline = majorityBaseline(train, heldout);
  console.log(`majority baseline ('${baseline.answer}'): ${baseline.accuracy.toFixed(4)}`);

  const model = buildVqaModel();
  model.summary();
  const optimizer = tf.train.adam(LEARNING_RATE);
  model.compile({ optimizer, loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits) });
  const random = mulberry32(SEEDS.shuffle);
  const order = train.examples.map((_, i) => i);
  const started = performance.now();
  const history: { epoch: number; loss: number; heldout: number; seconds: number }[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // tfjs keeps the learning rate protected; setting it is how its own schedulers work.
    if (epoch === Math.floor(EPOCHS * 0.75)) (optimizer as unknown as { learningRate: number }).learningRate = LEARNING_RATE / 4;
    let lossSum = 0;
    let batches = 0;
    for (let from = 0; from + BATCH_SIZE <= order.length; from += BATCH_SIZE) {
      const b = batchOf(train, trainArrays, order, from, from + BATCH_SIZE);
      const xs = [tf.tensor4d(b.images, [b.n, IMAGE_SIZE, IMAGE_SIZE, 3]), tf.tensor2d(b.ids, [b.n, QUESTION_LENGTH], 'int32')];
      const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(b.labels, 'int32'), ANSWERS.length).toFloat());
      lossSum += (await model.trainOnBatch(xs, ys)) as number;
      batches++;
      tf.dispose([...xs, ys]);
    }
    const held = accuracy(model, heldout, heldoutArrays);
    const seconds = (performance.now() - started) / 1000;
    history.push({ epoch: epoch + 1, loss: lossSum / batches, heldout: held.accuracy, seconds: Math.round(seconds) });
    console.log(`epoch ${epoch + 1}/${EPOCHS} loss=${(lossSum / batches).toFixed(4)} held-out=${held.accuracy.toFixed(4)} (${seconds.toFixed(0)} s)`);
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const trainAccuracy = accuracy(model, train, trainArrays);
  const heldoutAccuracy = accuracy(model, heldout, heldoutArrays);
  await model.save(modelSaveHandler(DIR));
  const loaded = await tf.loadLayersModel(modelLoadHandler(DIR));
  const check = accuracy(loaded, heldout, heldoutArrays);
  if (check.accuracy !== heldoutAccuracy.accuracy) throw new Error(`reloaded model: held-out accuracy ${check.accuracy} ≠ ${heldoutAccuracy.accuracy}`);
  writeFileSync(`${DIR}training.json`, JSON.stringify({
    architecture: 'image [48,48,3] → 3 × (Conv2D 3×3 relu same (16, 32, 32) → MaxPool 2) → Flatten; question [14] → Embedding(33→16, maskZero, frozen) → LSTM(48); Concatenate → Dense(128, relu) → Dense(18)',
    inputs: ['image', 'question'],
    answers: ANSWERS,
    vocabulary: QUESTION_WORDS,
    splits: VQA_SPLITS,
    trainQuestions: train.examples.length,
    heldoutQuestions: heldout.examples.length,
    epochs: EPOCHS, batchSize: BATCH_SIZE, optimizer: `adam(${LEARNING_RATE}), ÷4 from epoch ${Math.floor(EPOCHS * 0.75) + 1}`,
    params: model.countParams(),
    trainAccuracy: trainAccuracy.accuracy,
    heldoutAccuracy: heldoutAccuracy.accuracy,
    heldoutAccuracyByFamily: heldoutAccuracy.perFamily,
    majorityBaseline: baseline,
    history,
    trainSeconds: Math.round(trainSeconds),
    backend: tf.getBackend(),
    seeds: SEEDS,
    date: new Date().toISOString(),
  }, null, 2) + '\n');
  console.log(`train ${trainAccuracy.accuracy.toFixed(4)}, held-out ${heldoutAccuracy.accuracy.toFixed(4)} (baseline ${baseline.accuracy.toFixed(4)}), by family ${JSON.stringify(heldoutAccuracy.perFamily)}, ${model.countParams()} params, ${trainSeconds.toFixed(0)} s → ${DIR}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
