/**
 * `npm run bench`: VGG-16-shaped model (random weights, 224×224×3), forward pass vs
 * epsilon_gamma_box LRP on the same backend. Median of N runs after a warm-up, plus peak RSS.
 * Options: --runs N (default 5), --size S (input side, default 224), --batch B (default 1).
 */
import * as tf from '@tensorflow/tfjs';
import { forwardAll, initBackend, lrp, startWorkers, stopWorkers, XaiModel } from '../src/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function vgg16(size: number): tf.LayersModel {
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, fn: () => void): number[] {
  fn(); // warm-up (kernel set-up, weight packing)
  return Array.from({ length: runs }, () => {
    const t0 = performance.now();
    fn();
    return (performance.now() - t0) / 1000;
  });
}

const runs = arg('runs', 5);
const size = arg('size', 224);
const batch = arg('batch', 1);
const backend = await initBackend();
console.log(`backend ${backend}, input ${batch}×${size}×${size}×3, ${runs} runs after a warm-up`);
const model = XaiModel.fromLayersModel(vgg16(size));
const input = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 42);
const tensorsBefore = tf.memory().numTensors;

const predict = time(runs, () => (model.layersModel.predict(input) as tf.Tensor).dataSync());
console.log(`forward (tfjs predict):        median ${median(predict).toFixed(3)} s  [${predict.map((t) => t.toFixed(3)).join(', ')}]`);
const engineForward = time(runs, () => {
  const values = forwardAll(model.graph, [input]);
  values.get(model.graph.outputs[0]!)!.dataSync();
  for (const [id, t] of values) if (id !== model.graph.inputs[0]) t.dispose();
});
console.log(`forward (engine, keeps acts):  median ${median(engineForward).toFixed(3)} s`);
const lrpTimes = time(runs, () => {
  const e = lrp(model, input, { composite: 'epsilon_gamma_box', low: 0, high: 1, target: 0 });
  e.relevance.dataSync();
  e.dispose();
});
console.log(`LRP epsilon_gamma_box, 1 thread:  median ${median(lrpTimes).toFixed(3)} s  [${lrpTimes.map((t) => t.toFixed(3)).join(', ')}]  ratio ${(median(lrpTimes) / median(predict)).toFixed(2)}×`);
await startWorkers();
const parallelTimes = time(runs, () => {
  const e = lrp(model, input, { composite: 'epsilon_gamma_box', low: 0, high: 1, target: 0 });
  e.relevance.dataSync();
  e.dispose();
});
await stopWorkers();
const ratio = median(parallelTimes) / median(predict);
console.log(`LRP epsilon_gamma_box, +worker:   median ${median(parallelTimes).toFixed(3)} s  [${parallelTimes.map((t) => t.toFixed(3)).join(', ')}]`);
console.log(`ratio LRP / forward: ${ratio.toFixed(2)}× with the denominator worker (target ≤ 2.5×), ${(median(lrpTimes) / median(predict)).toFixed(2)}× on one thread`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; tensors leaked per run: ${(tf.memory().numTensors - tensorsBefore) / (2 * runs + 2)}`);
model.dispose();
input.dispose();
