/**
 * VGG-16-shaped model (random weights, 224×224×3), forward pass vs epsilon_gamma_box LRP on the
 * same backend. Median of N runs after a warm-up, plus peak RSS.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardAll, lrp, setPrefetchThreshold, startWorkers, stopWorkers, workerStats, XaiModel } from '../src/index.js';
import { benchOrt } from './ort.js';
import { median, seconds, type BenchSummary } from './timing.js';

/** The bench's VGG-16 (seeded He-normal kernels, small random biases). */
export function vgg16(size: number): tf.LayersModel {
  const layers: tf.layers.Layer[] = [];
  let seed = 1;
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const blocks = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]] as const;
  blocks.forEach(([filters, count], b) => {
    for (let i = 0; i < count; i++) {
      layers.push(tf.layers.conv2d({
        filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(),
        biasInitializer: tf.initializers.randomUniform({ minval: -0.01, maxval: 0.01, seed: seed++ }),
        ...(b === 0 && i === 0 ? { inputShape: [size, size, 3] } : {}),
      }));
    }
    layers.push(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  });
  layers.push(tf.layers.flatten());
  layers.push(tf.layers.dense({ units: 4096, activation: 'relu', kernelInitializer: init() }));
  layers.push(tf.layers.dropout({ rate: 0.5 }));
  layers.push(tf.layers.dense({ units: 4096, activation: 'relu', kernelInitializer: init() }));
  layers.push(tf.layers.dropout({ rate: 0.5 }));
  layers.push(tf.layers.dense({ units: 1000, kernelInitializer: init() }));
  return tf.sequential({ layers });
}

export async function benchVgg16(runs: number, size: number, batch: number): Promise<BenchSummary> {
  console.log(`VGG-16 (tfjs), input ${batch}×${size}×${size}×3, ${runs} rounds after a warm-up`);
  const model = XaiModel.fromLayersModel(vgg16(size));
  const input = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 42);
  const predictOnce = () => {
    const y = model.layersModel.predict(input) as tf.Tensor;
    y.dataSync();
    y.dispose();
  };
  const forwardOnce = () => {
    const values = forwardAll(model.graph, [input]);
    values.get(model.graph.outputs[0]!)!.dataSync();
    for (const [id, t] of values) if (id !== model.graph.inputs[0]) t.dispose();
  };
  const lrpOnce = () => {
    const e = lrp(model, input, { composite: 'epsilon_gamma_box', low: 0, high: 1, target: 0 });
    e.relevance.dataSync();
    e.dispose();
  };

  // Warm-up (kernel set-up, weight packing, parameter caches), then rounds that interleave the
  // measured calls, so that drifts in machine speed hit all of them alike.
  // ORT first: its peak RSS is then not the tfjs executor's.
  const ort = await benchOrt(model, input, { composite: 'epsilon_gamma_box', low: 0, high: 1, target: 0 }, runs, { only: 'vgg16', args: ['--size', String(size), '--batch', String(batch)] });
  await startWorkers();
  const singleThread = () => setPrefetchThreshold(Infinity);
  const withWorker = () => setPrefetchThreshold(2e7);
  predictOnce();
  forwardOnce();
  singleThread();
  lrpOnce();
  withWorker();
  lrpOnce();
  const tensorsBefore = tf.memory().numTensors;
  const waited: number[] = [];
  const rows: { predict: number; forward: number; single: number; parallel: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const predict = seconds(predictOnce);
    const forward = seconds(forwardOnce);
    singleThread();
    const single = seconds(lrpOnce);
    withWorker();
    const waitedBefore = workerStats()!.waitedMs;
    const parallel = seconds(lrpOnce);
    waited.push(workerStats()!.waitedMs - waitedBefore);
    rows.push({ predict, forward, single, parallel });
    console.log(`round ${r + 1}/${runs}: predict ${predict.toFixed(3)} s, engine forward ${forward.toFixed(3)} s, LRP ${single.toFixed(3)} s (1 thread), ${parallel.toFixed(3)} s (+worker)`);
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  const col = (k: keyof (typeof rows)[number]) => median(rows.map((row) => row[k]));
  const ratio = (k: 'single' | 'parallel') => median(rows.map((row) => row[k] / row.predict));
  console.log(`median: predict ${col('predict').toFixed(3)} s, engine forward ${col('forward').toFixed(3)} s, LRP ${col('single').toFixed(3)} s (1 thread), ${col('parallel').toFixed(3)} s (+worker)`);
  console.log(`ratio LRP / forward (median of per-round ratios): ${ratio('parallel').toFixed(2)}× with the denominator worker, ${ratio('single').toFixed(2)}× on one thread (target ≤ 2.5×; zennit: 9.4×)`);
  console.log(`main thread waiting for the worker: median ${median(waited).toFixed(0)} ms per explanation`);
  await stopWorkers();
  console.log(`peak RSS so far: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; tensors left behind by ${runs} rounds: ${leaked}`);
  model.dispose();
  input.dispose();
  return {
    model: 'VGG-16 (tfjs)', forward: col('predict'), forwardLabel: 'model.predict',
    lrpSingle: col('single'), lrpWorker: col('parallel'), ratioSingle: ratio('single'), ratioWorker: ratio('parallel'), ort,
  };
}
