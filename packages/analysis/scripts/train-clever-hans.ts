/**
 * Trains the Clever Hans demo CNN on shapes data where 95 % of the 'ring' training images carry a
 * watermark in the bottom-right corner, and saves it to demo/clever-hans/{model.json,weights.bin,training.json}
 * with the accuracies that show the shortcut (clean test set, and the watermark moved to another class).
 *
 *   npx tsx packages/analysis/scripts/train-clever-hans.ts
 *
 * Run by hand (not in CI): pure tfjs on the `cpu` backend with core's training kernel patches.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { modelLoadHandler, modelSaveHandler, mulberry32, SHAPE_CLASSES } from '@xai/core';
import { useFastCpuConvFilterGradient, useFastCpuMaxPoolGradient } from '@xai/core/tfjs-kernel-patches';
import { CLEVER_HANS_MODEL, generateCleverHans, WATERMARK, type CleverHansDataset } from '../src/demo/clever-hans.js';

// --out, --share, --epochs: for trying variants; the defaults produced the committed model.
const { values: args } = parseArgs({ options: { out: { type: 'string' }, share: { type: 'string' }, epochs: { type: 'string' } } });
const MODEL_DIR = args.out ? resolve(args.out) : dirname(CLEVER_HANS_MODEL);
const SHARE = args.share ? Number(args.share) : WATERMARK.share;
// training / test data, weight initialisers, Math.random during fit (shuffling, dropout masks)
const SEEDS = { train: 101, test: 102, init: 42, fit: 7 };
const TRAIN_COUNT = 4000;
const TEST_COUNT = 800;
// one epoch: the watermark is learnt first (it is the easier feature); longer training also learns the ring shape and the shortcut fades
const EPOCHS = args.epochs ? Number(args.epochs) : 1;
const BATCH_SIZE = 32;
/** The class the watermark is moved to in the "swapped" test set. */
const SWAP_TO = 0; // 'square'

function buildModel(seed = SEEDS.init): tf.Sequential {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const conv = (name: string, filters: number, extra = {}) =>
    tf.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), ...extra });
  return tf.sequential({
    layers: [
      conv('conv1', 8, { inputShape: [32, 32, 3] }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }), // 16×16×8
      conv('conv2', 16),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }), // 8×8×16
      conv('conv3', 32),
      tf.layers.maxPooling2d({ name: 'pool3', poolSize: 2 }), // 4×4×32
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'fc1', units: 32, activation: 'relu', kernelInitializer: init() }),
      tf.layers.dense({ name: 'logits', units: SHAPE_CLASSES.length, kernelInitializer: init() }),
    ],
  });
}

const asX = (d: CleverHansDataset) => tf.tensor4d(d.images, [d.labels.length, 32, 32, 3]);

/** Accuracy per class and overall, inference mode. */
function accuracies(model: tf.LayersModel, d: CleverHansDataset): { overall: number; perClass: number[] } {
  const pred = tf.tidy(() => (model.predict(asX(d), { batchSize: 256 }) as tf.Tensor).argMax(-1).dataSync());
  const hit = new Array<number>(SHAPE_CLASSES.length).fill(0);
  const all = new Array<number>(SHAPE_CLASSES.length).fill(0);
  for (let i = 0; i < d.labels.length; i++) {
    all[d.labels[i]!]++;
    if (pred[i] === d.labels[i]) hit[d.labels[i]!]++;
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { overall: round(hit.reduce((a, b) => a + b) / d.labels.length), perClass: hit.map((h, c) => round(h / all[c]!)) };
}

async function main() {
  await tf.setBackend('cpu');
  useFastCpuConvFilterGradient();
  useFastCpuMaxPoolGradient();
  Math.random = mulberry32(SEEDS.fit);

  const train = generateCleverHans(TRAIN_COUNT, SEEDS.train, { share: SHARE });
  const x = asX(train);
  const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), SHAPE_CLASSES.length).toFloat();
  const model = buildModel();
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: (yTrue: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, logits),
    metrics: ['accuracy'],
  });
  const t0 = performance.now();
  await model.fit(x, y, {
    epochs: EPOCHS,
    batchSize: BATCH_SIZE,
    shuffle: true,
    callbacks: {
      onEpochEnd: async (epoch, logs) =>
        console.log(`epoch ${epoch + 1}/${EPOCHS} loss=${logs!.loss!.toFixed(4)} acc=${logs!.acc!.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
    },
  });
  const trainSeconds = Math.round((performance.now() - t0) / 1000);

  const test = {
    /** as trained: the watermark on 95 % of the rings */
    asTrained: accuracies(model, generateCleverHans(TEST_COUNT, SEEDS.test, { share: SHARE })),
    /** no watermark anywhere */
    clean: accuracies(model, generateCleverHans(TEST_COUNT, SEEDS.test, { share: 0 })),
    /** the watermark moved: on 95 % of the squares, on no ring */
    swapped: accuracies(model, generateCleverHans(TEST_COUNT, SEEDS.test, { watermarkClass: SWAP_TO, share: SHARE })),
  };
  console.log(JSON.stringify(test));

  model.setUserDefinedMetadata({ classNames: SHAPE_CLASSES });
  await model.save(modelSaveHandler(MODEL_DIR));
  writeFileSync(
    join(MODEL_DIR, 'training.json'),
    JSON.stringify(
      {
        classes: SHAPE_CLASSES,
        watermark: { ...WATERMARK, share: SHARE, className: SHAPE_CLASSES[WATERMARK.class] },
        swappedTo: SHAPE_CLASSES[SWAP_TO],
        trainCount: TRAIN_COUNT,
        testCount: TEST_COUNT,
        epochs: EPOCHS,
        batchSize: BATCH_SIZE,
        params: model.countParams(),
        seeds: SEEDS,
        trainSeconds,
        test,
      },
      null,
      2,
    ) + '\n',
  );
  const loaded = await tf.loadLayersModel(modelLoadHandler(MODEL_DIR));
  const again = accuracies(loaded, generateCleverHans(TEST_COUNT, SEEDS.test, { share: SHARE }));
  if (again.overall !== test.asTrained.overall) throw new Error('reloaded model does not reproduce');
  console.log(`saved to ${MODEL_DIR} (${trainSeconds} s)`);
}

await main();
