/**
 * Trains the two fMRI demo models on synthetic volumes (src/fmri/synthetic-volumes.ts) and saves
 * them to demo/fmri/{conv3d,cnn-lstm}/{model.json,weights.bin,training.json}. Run by hand (the
 * models are committed; tests never retrain):
 *
 *   npx tsx packages/modalities/scripts/fmri-train.ts [conv3d|cnn-lstm|both]
 *
 * - conv3d: Conv3D(4) → MaxPool3D → Conv3D(8) → MaxPool3D → Flatten → Dense(2) on [32, 32, 16, 1]
 *   (nibabel axis order i, j, k), trained with `fit` on the WebAssembly backend (with a corrected
 *   Conv3D input-gradient kernel, see @xai/core/tfjs-kernel-patches).
 * - cnn-lstm: the slice-wise design of Thomas, Heekeren, Müller & Samek (2019): TimeDistributed
 *   Conv2D/MaxPool2D over the 16 axial slices [16, 32, 32, 1] (axes k, j, i), Flatten per slice,
 *   Bidirectional LSTM(8) across slices, Dense(2). tfjs runs TimeDistributed as a loop over time
 *   steps, which is slow to train; the training loop therefore applies the very same layer objects
 *   to the slices folded into the batch axis, so the saved TimeDistributed model holds the trained
 *   weights (checked: its logits match the training graph's).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { modelLoadHandler, modelSaveHandler, mulberry32 } from '@xai/core';
import { FMRI_DEMO_MODELS } from '../src/fmri/demo.js';
import { reorderVolume } from '../src/fmri/fmri-layout.js';
import { SYNTHETIC_CLASSES, SYNTHETIC_SHAPE, syntheticDataset, type SyntheticVolume } from '../src/fmri/synthetic-volumes.js';
import { registerWasmConv3dInputGradient, registerWasmConvFilterGradient } from '@xai/core/tfjs-kernel-patches';
import { accuracyOf } from './batched-accuracy.js';

const SEEDS = { train: 1, test: 2, fit: 7 };
const TRAIN_COUNT = 480;
const TEST_COUNT = 160;
const BATCH_SIZE = 16;
const EPOCHS = { conv3d: 6, 'cnn-lstm': 8 } as const;
const LEARNING_RATE = 2e-3;



type Kind = 'conv3d' | 'cnn-lstm';
const AXES: Record<Kind, number[]> = { conv3d: [0, 1, 2], 'cnn-lstm': [2, 1, 0] };

function toTensors(volumes: readonly SyntheticVolume[], kind: Kind) {
  const [ni, nj, nk] = SYNTHETIC_SHAPE;
  const shape = AXES[kind].map((a) => SYNTHETIC_SHAPE[a]!);
  const flat = new Float32Array(volumes.length * ni * nj * nk);
  volumes.forEach((v, n) => flat.set(reorderVolume(v.values, [ni, nj, nk], AXES[kind]), n * ni * nj * nk));
  const labels = Int32Array.from(volumes, (v) => v.label);
  return {
    x: tf.tensor(flat, [volumes.length, ...shape, 1]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat(),
    labels,
  };
}

function buildConv3d(): tf.LayersModel {
  const m = tf.sequential({ name: 'fmri_conv3d' });
  m.add(tf.layers.conv3d({ inputShape: [...SYNTHETIC_SHAPE, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }));
  m.add(tf.layers.maxPooling3d({ poolSize: 2, name: 'pool1' }));
  m.add(tf.layers.conv3d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }));
  m.add(tf.layers.maxPooling3d({ poolSize: 2, name: 'pool2' }));
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dense({ units: 2, name: 'logits' }));
  return m;
}

interface SliceModel {
  model: tf.LayersModel;
  /** The same layers applied with the slices folded into the batch axis (fast to train). */
  forward: (x: tf.Tensor) => tf.Tensor;
}

function buildCnnLstm(): SliceModel {
  const [ni, nj, nk] = SYNTHETIC_SHAPE;
  const conv1 = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' });
  const pool1 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' });
  const conv2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' });
  const pool2 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' });
  const flatten = tf.layers.flatten({ name: 'flatten' });
  const bilstm = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8, recurrentActivation: 'sigmoid', name: 'lstm' }) as tf.RNN, mergeMode: 'concat', name: 'bilstm' });
  const dense = tf.layers.dense({ units: 2, name: 'logits' });
  const m = tf.sequential({ name: 'fmri_cnn_lstm' });
  m.add(tf.layers.timeDistributed({ layer: conv1, inputShape: [nk, nj, ni, 1], name: 'td_conv1' }));
  m.add(tf.layers.timeDistributed({ layer: pool1, name: 'td_pool1' }));
  m.add(tf.layers.timeDistributed({ layer: conv2, name: 'td_conv2' }));
  m.add(tf.layers.timeDistributed({ layer: pool2, name: 'td_pool2' }));
  m.add(tf.layers.timeDistributed({ layer: flatten, name: 'td_flatten' }));
  m.add(bilstm);
  m.add(dense);
  const forward = (x: tf.Tensor) => {
    const [b, t, h, w, c] = x.shape as number[];
    let y = x.reshape([b! * t!, h!, w!, c!]);
    for (const layer of [conv1, pool1, conv2, pool2, flatten]) y = layer.apply(y) as tf.Tensor;
    y = y.reshape([b!, t!, -1]);
    return dense.apply(bilstm.apply(y) as tf.Tensor) as tf.Tensor;
  };
  return { model: m, forward };
}

async function train(kind: Kind) {
  Math.random = mulberry32(SEEDS.fit);
  const trainSet = toTensors(syntheticDataset(TRAIN_COUNT, SEEDS.train), kind);
  const testSet = toTensors(syntheticDataset(TEST_COUNT, SEEDS.test), kind);
  const rand = mulberry32(SEEDS.fit + 1);
  const t0 = performance.now();
  let model: tf.LayersModel;
  let predict: (x: tf.Tensor) => tf.Tensor;
  if (kind === 'conv3d') {
    model = buildConv3d();
    predict = (x) => model.predict(x) as tf.Tensor;
    model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits), metrics: ['accuracy'] });
    model.summary();
    await model.fit(trainSet.x, trainSet.y, {
      epochs: EPOCHS[kind], batchSize: BATCH_SIZE, shuffle: true,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          console.log(`epoch ${epoch + 1}/${EPOCHS[kind]} loss=${logs!.loss!.toFixed(4)} acc=${logs!.acc!.toFixed(3)} test=${accuracyOf(predict, testSet.x, testSet.labels).toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
        },
      },
    });
  } else {
    const built = buildCnnLstm();
    model = built.model;
    predict = built.forward;
    model.summary();
    const optimizer = tf.train.adam(LEARNING_RATE);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const order = Array.from({ length: TRAIN_COUNT }, (_, n) => n);
    for (let epoch = 0; epoch < EPOCHS[kind]; epoch++) {
      for (let n = order.length - 1; n > 0; n--) {
        const m = Math.floor(rand() * (n + 1));
        [order[n], order[m]] = [order[m]!, order[n]!];
      }
      let lossSum = 0;
      for (let start = 0; start < order.length; start += BATCH_SIZE) {
        const idx = tf.tensor1d(order.slice(start, start + BATCH_SIZE), 'int32');
        const loss = optimizer.minimize(() => tf.tidy(() => tf.losses.softmaxCrossEntropy(trainSet.y.gather(idx), built.forward(trainSet.x.gather(idx))) as tf.Scalar), true, vars)!;
        lossSum += loss.dataSync()[0]! * idx.shape[0];
        loss.dispose();
        idx.dispose();
      }
      console.log(`epoch ${epoch + 1}/${EPOCHS[kind]} loss=${(lossSum / order.length).toFixed(4)} test=${accuracyOf(predict, testSet.x, testSet.labels).toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(testSet.x.slice(0, 8)) as tf.Tensor, built.forward(testSet.x.slice(0, 8))))).dataSync()[0]!);
    console.log(`TimeDistributed model vs folded training graph: max |Δlogit| = ${gap}`);
    if (gap > 1e-4) throw new Error('the saved model does not compute what was trained');
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const trainAccuracy = accuracyOf(predict, trainSet.x, trainSet.labels);
  const testAccuracy = accuracyOf(predict, testSet.x, testSet.labels);
  console.log(`${kind}: ${trainSeconds.toFixed(0)} s, train accuracy ${trainAccuracy}, test accuracy ${testAccuracy}`);
  if (testAccuracy < 0.9) throw new Error(`test accuracy ${testAccuracy} < 0.9`);

  const dir = dirname(kind === 'conv3d' ? FMRI_DEMO_MODELS.conv3d : FMRI_DEMO_MODELS.cnnLstm);
  await model.save(modelSaveHandler(dir));
  const loaded = await tf.loadLayersModel(modelLoadHandler(dir));
  const reloadAccuracy = accuracyOf((x) => loaded.predict(x) as tf.Tensor, testSet.x, testSet.labels);
  if (reloadAccuracy !== testAccuracy) throw new Error(`reloaded model: accuracy ${reloadAccuracy} ≠ ${testAccuracy}`);
  writeFileSync(join(dir, 'training.json'), JSON.stringify({
    classes: SYNTHETIC_CLASSES,
    inputShape: [...AXES[kind].map((a): number => SYNTHETIC_SHAPE[a]!), 1],
    axes: AXES[kind].map((a) => 'ijk'[a]).join(''),
    data: 'synthetic-volumes.ts: 32×32×16 maps, 3 mm; class 1 has the planted activation blob',
    epochs: EPOCHS[kind], batchSize: BATCH_SIZE, learningRate: LEARNING_RATE, trainCount: TRAIN_COUNT, testCount: TEST_COUNT,
    params: model.countParams(), trainAccuracy, testAccuracy, trainSeconds: Math.round(trainSeconds), backend: tf.getBackend(), seeds: SEEDS,
    date: new Date().toISOString(),
  }, null, 2) + '\n');
  console.log(`saved to ${dir}`);
  tf.dispose([trainSet.x, trainSet.y, testSet.x, testSet.y]);
  model.dispose();
  loaded.dispose();
}

async function main() {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmConvFilterGradient(); // tfjs-backend-wasm has no Conv2DBackpropFilter
  registerWasmConv3dInputGradient(); // and its Conv3DBackpropInputV2 is wrong
  const which = process.argv[2] ?? 'both';
  if (!['conv3d', 'cnn-lstm', 'both'].includes(which)) throw new Error(`usage: fmri-train.ts [conv3d|cnn-lstm|both], got '${which}'`);
  if (which !== 'cnn-lstm') await train('conv3d');
  if (which !== 'conv3d') await train('cnn-lstm');
}

await main();
