/**
 * Trains the small demo CNN on the synthetic shapes dataset and saves it to
 * demo/model/{model.json,weights.bin,training.json}.
 *
 *   npx tsx packages/core/scripts/train-demo-model.ts   (or: npm run train:demo -w @xai/core)
 *
 * Run by hand (not in CI). Pure tfjs on the `cpu` backend: tfjs-node is not
 * available, so model files are written/read with node:fs through custom
 * tf.io handlers (exported for reuse).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { modelLoadHandler, modelSaveHandler } from '../src/io/model-file-handlers.js';
import { CHANNELS, CLASS_NAMES, IMAGE_SIZE, generateShapes } from '../src/demo/synthetic-shapes.js';
import { mulberry32 } from '../src/random/mulberry32.js';
import { useFastCpuChannelKernels, useFastCpuConvFilterGradient, useFastCpuMaxPoolGradient } from '../src/training/tfjs-kernel-patches.js';

const MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'model');
// data sets, weight initialisers, and Math.random during fit (shuffling + dropout masks)
const SEEDS = { train: 1, test: 2, init: 42, fit: 7 };
const TRAIN_COUNT = 4000;
const TEST_COUNT = 400;
const EPOCHS = 2;
const BATCH_SIZE = 32;
const INPUT_SHAPE = [IMAGE_SIZE, IMAGE_SIZE, CHANNELS];

export function buildModel(seed = SEEDS.init): tf.Sequential {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ }); // distinct seed per layer
  const conv = (name: string, filters: number, activation: 'relu' | 'linear', extra = {}) =>
    tf.layers.conv2d({
      name, filters, kernelSize: 3, padding: 'same', activation, kernelInitializer: init(), ...extra,
    });
  return tf.sequential({
    layers: [
      conv('conv1', 8, 'relu', { inputShape: INPUT_SHAPE }),
      // momentum 0.9 (not 0.99): with only a few hundred steps the moving
      // statistics must converge, or inference would disagree with training.
      tf.layers.batchNormalization({ name: 'bn1', momentum: 0.9 }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }), // 16×16×8
      conv('conv2', 16, 'linear'),
      tf.layers.activation({ name: 'relu2', activation: 'relu' }),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }), // 8×8×16
      conv('conv3', 32, 'linear'),
      tf.layers.activation({ name: 'relu3', activation: 'relu' }),
      tf.layers.maxPooling2d({ name: 'pool3', poolSize: 2 }), // 4×4×32
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'fc1', units: 32, activation: 'relu', kernelInitializer: init() }),
      tf.layers.dropout({ name: 'dropout', rate: 0.3 }),
      tf.layers.dense({ name: 'logits', units: CLASS_NAMES.length, kernelInitializer: init() }),
    ],
  });
}

function toTensors(count: number, seed: number) {
  const { images, labels } = generateShapes(count, seed);
  return {
    x: tf.tensor4d(images, [count, IMAGE_SIZE, IMAGE_SIZE, CHANNELS]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASS_NAMES.length).toFloat(),
    labels,
  };
}

/** Inference-mode accuracy (dropout off, BN moving statistics). */
export function accuracy(model: tf.LayersModel, x: tf.Tensor, labels: Int32Array): number {
  const pred = tf.tidy(() => (model.predict(x, { batchSize: 256 }) as tf.Tensor).argMax(-1).dataSync());
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) correct++;
  return correct / labels.length;
}

async function main() {
  await tf.setBackend('cpu');
  // training speed on the cpu backend (same results): conv filter and max-pool gradients, BatchNormalization
  useFastCpuConvFilterGradient();
  useFastCpuMaxPoolGradient();
  useFastCpuChannelKernels();
  // tfjs draws unseeded Dropout masks and fit() shuffling from Math.random.
  // (Seeding the Dropout layer itself would reuse one mask every step.)
  Math.random = mulberry32(SEEDS.fit);

  const train = toTensors(TRAIN_COUNT, SEEDS.train);
  const test = toTensors(TEST_COUNT, SEEDS.test);
  const model = buildModel();
  model.summary();
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: (yTrue: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, logits),
    metrics: ['accuracy'], // resolves to categorical accuracy (argmax), fine on logits
  });

  const t0 = performance.now();
  await model.fit(train.x, train.y, {
    epochs: EPOCHS,
    batchSize: BATCH_SIZE,
    shuffle: true,
    callbacks: {
      onBatchEnd: async (batch) => {
        const secs = ((performance.now() - t0) / 1000).toFixed(0);
        if (process.stdout.isTTY && batch % 25 === 24) process.stdout.write(`  batch ${batch + 1} (${secs}s)\r`);
      },
      onEpochEnd: async (epoch, logs) => {
        const secs = ((performance.now() - t0) / 1000).toFixed(1);
        const testAcc = accuracy(model, test.x, test.labels);
        console.log(
          `epoch ${epoch + 1}/${EPOCHS}  loss=${logs!.loss!.toFixed(4)}  acc=${logs!.acc!.toFixed(4)}  ` +
            `testAcc=${testAcc.toFixed(4)}  (${secs}s)`,
        );
      },
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const trainAccuracy = accuracy(model, train.x, train.labels);
  const testAccuracy = accuracy(model, test.x, test.labels);
  console.log(`train ${trainSeconds.toFixed(1)}s  trainAccuracy=${trainAccuracy}  testAccuracy=${testAccuracy}`);
  if (testAccuracy < 0.95) throw new Error(`test accuracy ${testAccuracy} < 0.95`);

  model.setUserDefinedMetadata({ classNames: CLASS_NAMES });
  await model.save(modelSaveHandler(MODEL_DIR));
  writeFileSync(
    join(MODEL_DIR, 'training.json'),
    JSON.stringify(
      {
        classes: CLASS_NAMES,
        inputShape: INPUT_SHAPE,
        epochs: EPOCHS,
        batchSize: BATCH_SIZE,
        trainCount: TRAIN_COUNT,
        testCount: TEST_COUNT,
        params: model.countParams(),
        trainAccuracy,
        testAccuracy,
        trainSeconds: Math.round(trainSeconds),
        seeds: SEEDS,
        date: new Date().toISOString(),
      },
      null,
      2,
    ) + '\n',
  );

  // Round-trip check: the saved files must reproduce the exact predictions.
  const loaded = await tf.loadLayersModel(modelLoadHandler(MODEL_DIR));
  const reloadAccuracy = accuracy(loaded, test.x, test.labels);
  const maxDiff = tf.tidy(() =>
    tf.max(tf.abs(tf.sub(model.predict(test.x) as tf.Tensor, loaded.predict(test.x) as tf.Tensor))).dataSync()[0]!,
  );
  console.log(`reloaded: testAccuracy=${reloadAccuracy}  max |Δlogit|=${maxDiff}`);
  if (reloadAccuracy !== testAccuracy || maxDiff > 1e-5) throw new Error('reloaded model does not reproduce');
  console.log(`saved to ${MODEL_DIR}`);
}

// Only train when run directly, so the IO handlers can be imported elsewhere.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await main();
}
