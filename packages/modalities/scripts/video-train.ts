/**
 * Trains the video demo models on synthetic clips (src/video/synthetic-clips.ts) and saves them to
 * demo/video/<task>-<architecture>/{model.json,weights.bin,training.json}. Run by hand (the models
 * are committed; tests never retrain), niced, on the WebAssembly backend:
 *
 *   nice npx tsx packages/modalities/scripts/video-train.ts [motion|flash|all]   (motion → conv3d, flash → cnn-lstm)
 *
 * - conv3d (motion): Conv3D(8, 3×3×3) → MaxPool3D(1, 2, 2) → Conv3D(16, 1×3×3) → MaxPool3D(1, 2, 2)
 *   → MaxPool3D over the whole remaining grid (a global max) → Dense(2) on [12, 32, 32, 3]: a
 *   spatio-temporal detector with a 3-frame receptive field whose answer comes from its strongest
 *   response anywhere in the clip.
 * - cnn-lstm (flash): TimeDistributed(Conv2D(8) → MaxPool2D(2) → Conv2D(16) → MaxPool2D(4) → Flatten) →
 *   LSTM(16) → Dense(2). tfjs runs TimeDistributed as a loop over steps, so training applies the
 *   very same layer objects with the frames folded into the batch axis (as fmri-train.ts does);
 *   the saved TimeDistributed model is checked to compute the trained function.
 *
 * tfjs-backend-wasm 4.22 lacks Conv2DBackpropFilter (@xai/core/tfjs-kernel-patches supplies it) and runs
 * Conv3D naively; the Conv3D model is therefore trained through Conv2D (see conv3dAsConv2d).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { modelLoadHandler, modelSaveHandler, mulberry32 } from '@xai/core';
import { videoDemoModelPath, VIDEO_DEMO_PAIRS, type VideoArchitecture } from '../src/video/demo.js';
import { CLIP_CLASSES, CLIP_FPS, CLIP_SHAPE, syntheticClips, type ClipTask, type SyntheticClip } from '../src/video/synthetic-clips.js';
import { registerWasmConvFilterGradient } from '@xai/core/tfjs-kernel-patches';
import { accuracyOf } from './batched-accuracy.js';

/** Clip seeds: training 1, test 2 (the ground-truth test uses 5, the demo inputs 900 001…). */
const SEEDS = { train: 1, test: 2, fit: 7 };
const TRAIN_COUNT = 640;
const TEST_COUNT = 200;
const BATCH_SIZE = 16;
const EPOCHS: Record<VideoArchitecture, number> = { conv3d: 4, 'cnn-lstm': 12 };
const LEARNING_RATE = 2e-3;
const CLIP_VALUES = CLIP_SHAPE.reduce((a, b) => a * b, 1);

function toTensors(clips: readonly SyntheticClip[]) {
  const flat = new Float32Array(clips.length * CLIP_VALUES);
  clips.forEach((c, n) => flat.set(c.values, n * CLIP_VALUES));
  const labels = Int32Array.from(clips, (c) => c.label);
  return { x: tf.tensor(flat, [clips.length, ...CLIP_SHAPE]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat()), labels };
}

interface Trainable {
  readonly model: tf.LayersModel;
  /** The function trained (for the CNN + LSTM: the layers applied with frames folded into the batch). */
  readonly forward: (x: tf.Tensor) => tf.Tensor;
}


/**
 * tfjs-wasm runs Conv3D naively (≈ 0.1 GMAC/s here, 2.2 s for the forward pass of one batch) while
 * Conv2D goes through XNNPACK. For training, a 'same' Conv3D with kt temporal taps is computed as
 * Σ_dt Conv2D(frames t + dt − 1, kernel[dt]) with the frames folded into the batch — the same
 * function, on the Conv3D layer's own kernel variable, so the saved Conv3D model is what was trained.
 */
function conv3dAsConv2d(x: tf.Tensor, layer: tf.layers.Layer): tf.Tensor {
  const [kernel, bias] = layer.trainableWeights.map((w) => w.read()) as [tf.Tensor, tf.Tensor];
  const [b, t, h, w, c] = x.shape as number[];
  const kt = kernel.shape[0]!;
  const half = (kt - 1) / 2;
  const padded = tf.pad(x, [[0, 0], [half, half], [0, 0], [0, 0], [0, 0]]);
  let sum: tf.Tensor | null = null;
  for (let dt = 0; dt < kt; dt++) {
    // rank-3 slice: tfjs-wasm slices rank-5 tensors element by element (≈ 1 s per batch)
    const frames = padded.reshape([b!, t! + kt - 1, h! * w! * c!]).slice([0, dt, 0], [b!, t!, h! * w! * c!]).reshape([b! * t!, h!, w!, c!]) as tf.Tensor4D;
    const tap = kernel.slice([dt, 0, 0, 0, 0], [1, ...kernel.shape.slice(1)]).reshape(kernel.shape.slice(1)) as tf.Tensor4D;
    const y = tf.conv2d(frames, tap, 1, 'same');
    sum = sum ? tf.add(sum, y) : y;
  }
  const out = tf.relu(tf.add(sum!, bias));
  return out.reshape([b!, t!, h!, w!, -1]);
}

function buildConv3d(task: ClipTask): Trainable {
  const m = tf.sequential({ name: `video_${task}_conv3d` });
  const conv1 = tf.layers.conv3d({ inputShape: [...CLIP_SHAPE], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' });
  const pool1 = tf.layers.maxPooling3d({ poolSize: [1, 2, 2], name: 'pool1' });
  // spatial only: the temporal receptive field stays 3 frames (conv1), so evidence stays on the frames where motion is
  const conv2 = tf.layers.conv3d({ filters: 16, kernelSize: [1, 3, 3], padding: 'same', activation: 'relu', name: 'conv2' });
  const pool2 = tf.layers.maxPooling3d({ poolSize: [1, 2, 2], name: 'pool2' });
  // tfjs has no GlobalMaxPooling3D: one pooling window over the whole [T, H/4, W/4] grid is the same
  const globalMax = tf.layers.maxPooling3d({ poolSize: [CLIP_SHAPE[0], CLIP_SHAPE[1] / 4, CLIP_SHAPE[2] / 4], name: 'global_max' });
  const flatten = tf.layers.flatten({ name: 'flatten' });
  const dense = tf.layers.dense({ units: 2, name: 'logits' });
  for (const layer of [conv1, pool1, conv2, pool2, globalMax, flatten, dense]) m.add(layer);
  const forward = (x: tf.Tensor) => {
    let y = conv3dAsConv2d(x, conv1);
    y = pool1.apply(y) as tf.Tensor;
    y = conv3dAsConv2d(y, conv2);
    y = pool2.apply(y) as tf.Tensor;
    return dense.apply(y.max([1, 2, 3])) as tf.Tensor;
  };
  return { model: m, forward };
}

function buildCnnLstm(task: ClipTask): Trainable {
  const perFrame = [
    tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
    tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
    tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }),
    tf.layers.maxPooling2d({ poolSize: 4, name: 'pool2' }),
    tf.layers.flatten({ name: 'flatten' }),
  ];
  const lstm = tf.layers.lstm({ units: 16, recurrentActivation: 'sigmoid', name: 'lstm' });
  const dense = tf.layers.dense({ units: 2, name: 'logits' });
  const m = tf.sequential({ name: `video_${task}_cnn_lstm` });
  perFrame.forEach((layer, n) => m.add(tf.layers.timeDistributed({ layer, name: `td_${layer.name}`, ...(n === 0 ? { inputShape: [...CLIP_SHAPE] } : {}) })));
  m.add(lstm);
  m.add(dense);
  const features = (x: tf.Tensor) => {
    const [b, t, h, w, c] = x.shape as number[];
    let y = x.reshape([b! * t!, h!, w!, c!]);
    for (const layer of perFrame) y = layer.apply(y) as tf.Tensor;
    return y.reshape([b!, t!, -1]);
  };
  const forward = (x: tf.Tensor) => dense.apply(lstm.apply(features(x))) as tf.Tensor;
  return { model: m, forward };
}

async function train(task: ClipTask, arch: VideoArchitecture) {
  Math.random = mulberry32(SEEDS.fit); // tfjs initialisers draw from Math.random
  const trainSet = toTensors(syntheticClips(task, TRAIN_COUNT, SEEDS.train));
  const testSet = toTensors(syntheticClips(task, TEST_COUNT, SEEDS.test));
  const { model, forward } = arch === 'conv3d' ? buildConv3d(task) : buildCnnLstm(task);
  model.summary();
  const rand = mulberry32(SEEDS.fit + 1);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const order = Array.from({ length: TRAIN_COUNT }, (_, n) => n);
  const history: { epoch: number; loss: number; testAccuracy: number; seconds: number }[] = [];
  const t0 = performance.now();
  for (let epoch = 0; epoch < EPOCHS[arch]; epoch++) {
    for (let n = order.length - 1; n > 0; n--) {
      const m = Math.floor(rand() * (n + 1));
      [order[n], order[m]] = [order[m]!, order[n]!];
    }
    let lossSum = 0;
    for (let start = 0; start < order.length; start += BATCH_SIZE) {
      const idx = tf.tensor1d(order.slice(start, start + BATCH_SIZE), 'int32');
      const loss = optimizer.minimize(() => tf.tidy(() => tf.losses.softmaxCrossEntropy(trainSet.y.gather(idx), forward(trainSet.x.gather(idx))) as tf.Scalar), true, vars)!;
      lossSum += loss.dataSync()[0]! * idx.shape[0];
      tf.dispose([loss, idx]);
    }
    const testAccuracy = accuracyOf(forward, testSet.x, testSet.labels);
    const seconds = Math.round((performance.now() - t0) / 1000);
    history.push({ epoch: epoch + 1, loss: lossSum / order.length, testAccuracy, seconds });
    console.log(`${task}/${arch} epoch ${epoch + 1}/${EPOCHS[arch]} loss=${(lossSum / order.length).toFixed(4)} test=${testAccuracy.toFixed(3)} (${seconds} s)`);
  }
  optimizer.dispose();
  const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(testSet.x.slice(0, 8)) as tf.Tensor, forward(testSet.x.slice(0, 8))))).dataSync()[0]!);
  if (gap > 1e-4) throw new Error(`the saved model does not compute what was trained (max |Δlogit| = ${gap})`);
  const trainSeconds = (performance.now() - t0) / 1000;
  const trainAccuracy = accuracyOf(forward, trainSet.x, trainSet.labels);
  const testAccuracy = accuracyOf(forward, testSet.x, testSet.labels);
  console.log(`${task}/${arch}: ${trainSeconds.toFixed(0)} s, train accuracy ${trainAccuracy}, test accuracy ${testAccuracy}`);
  if (testAccuracy < 0.9) throw new Error(`test accuracy ${testAccuracy} < 0.9: not saved`);

  const dir = dirname(videoDemoModelPath(task, arch));
  await model.save(modelSaveHandler(dir));
  const loaded = await tf.loadLayersModel(modelLoadHandler(dir));
  const reloadAccuracy = accuracyOf((x) => loaded.predict(x) as tf.Tensor, testSet.x, testSet.labels);
  if (reloadAccuracy !== testAccuracy) throw new Error(`reloaded model: accuracy ${reloadAccuracy} ≠ ${testAccuracy}`);
  writeFileSync(join(dir, 'training.json'), JSON.stringify({
    task, architecture: arch, classes: CLIP_CLASSES[task], inputShape: CLIP_SHAPE, fps: CLIP_FPS,
    data: `synthetic-clips.ts, task '${task}': 12 frames of 32×32 RGB in [0, 1]`,
    epochs: EPOCHS[arch], batchSize: BATCH_SIZE, learningRate: LEARNING_RATE, trainCount: TRAIN_COUNT, testCount: TEST_COUNT,
    params: model.countParams(), trainAccuracy, testAccuracy, trainSeconds: Math.round(trainSeconds), history,
    backend: tf.getBackend(), seeds: SEEDS, date: new Date().toISOString(),
  }, null, 2) + '\n');
  console.log(`saved to ${dir}`);
  tf.dispose([trainSet.x, trainSet.y, testSet.x, testSet.y]);
  model.dispose();
  loaded.dispose();
}

async function main() {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmConvFilterGradient();
  const [task = 'all', arch = 'all'] = process.argv.slice(2);
  const chosen = VIDEO_DEMO_PAIRS.filter((p) => (task === 'all' || p.task === task) && (arch === 'all' || p.arch === arch));
  if (chosen.length === 0) throw new Error(`usage: video-train.ts [motion|flash|all] [conv3d|cnn-lstm|all] (demo models: ${VIDEO_DEMO_PAIRS.map((p) => `${p.task} ${p.arch}`).join(', ')}), got '${task}' '${arch}'`);
  for (const p of chosen) await train(p.task, p.arch);
}

await main();
