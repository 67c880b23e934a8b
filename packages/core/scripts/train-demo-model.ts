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

const MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'model');
// data sets, weight initialisers, and Math.random during fit (shuffling + dropout masks)
const SEEDS = { train: 1, test: 2, init: 42, fit: 7 };
const TRAIN_COUNT = 4000;
const TEST_COUNT = 400;
const EPOCHS = 2;
const BATCH_SIZE = 32;
const INPUT_SHAPE = [IMAGE_SIZE, IMAGE_SIZE, CHANNELS];



type CpuBackend = {
  readSync(id: object): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
};

type FastKernel = (args: Parameters<tf.KernelFunc>[0], be: CpuBackend) => tf.TensorInfo | null;

/** Swaps a cpu kernel for `fast`, which may return null to defer to the stock kernel. */
function overrideCpuKernel(name: string, fast: FastKernel) {
  const stock = tf.getKernel(name, 'cpu');
  tf.unregisterKernel(name, 'cpu');
  tf.registerKernel({
    kernelName: name,
    backendName: 'cpu',
    kernelFunc: (args) => fast(args, args.backend as unknown as CpuBackend) ?? stock.kernelFunc(args),
  });
}

/**
 * Training-speed fix, same results. Several cpu-backend kernels go through
 * TensorBuffer.get() or a generic transpose/broadcast per element, and took
 * ~80% of a training step on this model (it is otherwise far too slow without
 * tfjs-node). The flat-array versions below cover the cases this model hits
 * (NHWC conv filter gradient, max-pool gradient, and BatchNormalization's
 * per-channel reductions and broadcasts) and defer to the stock kernel
 * otherwise. Results are bit-identical to the stock kernels except for
 * overlapping pooling windows (float summation order). Training only.
 */
export function useFastCpuGradKernels(): void {
  overrideCpuKernel('Conv2DBackpropFilter', ({ inputs, attrs }, be) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (a.dataFormat !== 'NHWC') return null;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode,
    );
    const { batchSize, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = info;
    const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
    const xv = be.readSync(x.dataId) as Float32Array;
    const dyv = be.readSync(dy.dataId) as Float32Array;
    const dw = new Float64Array(FH * FW * CI * CO);
    for (let b = 0; b < batchSize; b++)
      for (let yr = 0; yr < OH; yr++)
        for (let yc = 0; yc < OW; yc++) {
          const dyOff = ((b * OH + yr) * OW + yc) * CO;
          for (let fr = 0; fr < FH; fr++) {
            const xr = yr * SH + fr - info.padInfo.top;
            if (xr < 0 || xr >= H) continue;
            for (let fc = 0; fc < FW; fc++) {
              const xc = yc * SW + fc - info.padInfo.left;
              if (xc < 0 || xc >= W) continue;
              const xOff = ((b * H + xr) * W + xc) * CI;
              const wOff = (fr * FW + fc) * CI * CO;
              for (let ci = 0; ci < CI; ci++) {
                const v = xv[xOff + ci]!;
                if (v === 0) continue; // post-ReLU inputs are mostly zeros
                const o = wOff + ci * CO;
                for (let co = 0; co < CO; co++) dw[o + co] += v * dyv[dyOff + co]!;
              }
            }
          }
        }
    return be.makeTensorInfo(info.filterShape, 'float32', Float32Array.from(dw));
  });

  overrideCpuKernel('MaxPoolGrad', ({ inputs, attrs }, be) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const a = attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode,
    );
    const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const xv = be.readSync(input.dataId) as Float32Array;
    const dyv = be.readSync(dy.dataId) as Float32Array;
    const dx = new Float32Array(xv.length);
    for (let b = 0; b < batchSize; b++)
      for (let yr = 0; yr < OH; yr++) {
        const r0 = Math.max(0, yr * info.strideHeight - info.padInfo.top);
        const r1 = Math.min(H, yr * info.strideHeight - info.padInfo.top + info.filterHeight);
        for (let yc = 0; yc < OW; yc++) {
          const c0 = Math.max(0, yc * info.strideWidth - info.padInfo.left);
          const c1 = Math.min(W, yc * info.strideWidth - info.padInfo.left + info.filterWidth);
          for (let d = 0; d < C; d++) {
            // Gradient goes to the first maximum in row-major order, as in the stock kernel.
            let best = -Infinity;
            let at = -1;
            for (let r = r0; r < r1; r++)
              for (let c = c0; c < c1; c++) {
                const i = ((b * H + r) * W + c) * C + d;
                if (xv[i]! > best) {
                  best = xv[i]!;
                  at = i;
                }
              }
            if (at >= 0) dx[at] += dyv[((b * OH + yr) * OW + yc) * C + d]!;
          }
        }
      }
    return be.makeTensorInfo(input.shape, 'float32', dx);
  });

  // Sum/Mean over all axes but the last ([N,H,W,C] -> [C]): the stock kernel
  // transposes the whole tensor first. Same per-channel summation order.
  for (const [name, isMean] of [['Sum', false], ['Mean', true]] as const) {
    overrideCpuKernel(name, ({ inputs, attrs }, be) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
      const rank = x.shape.length;
      if (x.dtype !== 'float32' || rank < 2 || axes.length !== rank - 1 || axes.some((a, k) => a !== k)) {
        return null;
      }
      const C = x.shape[rank - 1]!;
      const xv = be.readSync(x.dataId) as Float32Array;
      const acc = new Float64Array(C);
      const n = xv.length / C;
      // (the stock Mean divides in float32 before summing)
      for (let i = 0; i < xv.length; i += C)
        for (let c = 0; c < C; c++) acc[c] += isMean ? Math.fround(xv[i + c]! / n) : xv[i + c]!;
      const shape = keepDims ? [...Array<number>(rank - 1).fill(1), C] : [C];
      return be.makeTensorInfo(shape, 'float32', Float32Array.from(acc));
    });
  }

  // Binary ops of a [...,C] tensor with a per-channel [C] / [1,...,1,C] one.
  const ops: Record<string, (p: number, q: number) => number> = {
    Add: (p, q) => p + q,
    Sub: (p, q) => p - q,
    Multiply: (p, q) => p * q,
  };
  for (const [name, op] of Object.entries(ops)) {
    overrideCpuKernel(name, ({ inputs }, be) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
      const perChannel = (small: tf.TensorInfo, big: tf.TensorInfo) =>
        small.shape.length <= big.shape.length &&
        small.shape.length > 0 &&
        small.shape.at(-1) === big.shape.at(-1) &&
        small.shape.slice(0, -1).every((d) => d === 1) &&
        tf.util.sizeFromShape(big.shape) > small.shape.at(-1)!;
      const bSmall = perChannel(b, a);
      if (!bSmall && !perChannel(a, b)) return null;
      const big = bSmall ? a : b;
      const bigV = be.readSync(big.dataId) as Float32Array;
      const smallV = be.readSync((bSmall ? b : a).dataId) as Float32Array;
      const C = smallV.length;
      const out = new Float32Array(bigV.length);
      for (let i = 0; i < out.length; i += C)
        for (let c = 0; c < C; c++) {
          out[i + c] = bSmall ? op(bigV[i + c]!, smallV[c]!) : op(smallV[c]!, bigV[i + c]!);
        }
      return be.makeTensorInfo(big.shape, 'float32', out);
    });
  }
}

/** Conv(relu)→BN→Pool → [Conv→ReLU→Pool]×2 → Flatten → Dense(relu) → Dropout → Dense(4) logits */
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
  useFastCpuGradKernels();
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
