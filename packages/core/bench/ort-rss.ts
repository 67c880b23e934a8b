/**
 * Peak RSS of one ORT explanation, in a process that does nothing else: the bench model is built
 * (its tfjs weights are in the figure, as in any process that explains a tfjs model), then
 * epsilon_gamma_box LRP runs twice on the 'ort' executor (build + run, then a cached run).
 * Prints one line `ORT_RSS {...}` (MiB) for bench/ort.ts:
 *   npx tsx bench/ort-rss.ts --only vgg16|resnet18 [--size S] [--batch B]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadModel, lrpOn, XaiModel } from '../src/index.js';
import { mulberry32 } from '../src/random/mulberry32.js';
import { resnet18Onnx } from '../test/onnx/resnet18-onnx.js';
import { numberArg } from './timing.js';
import { vgg16 } from './vgg16.js';

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const size = numberArg('size', 224);
const batch = numberArg('batch', 1);
const which = process.argv[process.argv.indexOf('--only') + 1];
await initBackend();
let model: XaiModel;
let input: tf.Tensor;
let bounds: { low: number; high: number };
if (which === 'resnet18') {
  model = await loadModel(resnet18Onnx({ seed: 18 }), { label: 'resnet18.onnx', workers: false });
  const uniform = mulberry32(224);
  input = tf.tensor(Float32Array.from({ length: batch * 3 * 224 * 224 }, () => 4 * uniform() - 2), [batch, 3, 224, 224]);
  bounds = { low: -2, high: 2 };
} else {
  model = XaiModel.fromLayersModel(vgg16(size));
  input = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 42);
  bounds = { low: 0, high: 1 };
}
const before = { rss: mib(process.memoryUsage().rss), peak: mib(process.resourceUsage().maxRSS * 1024) };
for (let i = 0; i < 2; i++) {
  const e = await lrpOn(model, input, { composite: 'epsilon_gamma_box', ...bounds, target: 0, executor: 'ort' });
  if (e.execution?.executor !== 'ort') throw new Error(`ORT did not run: ${e.execution?.fallback}`);
  e.dispose();
}
console.log(`ORT_RSS ${JSON.stringify({ modelRss: before.rss, peakBefore: before.peak, peak: mib(process.resourceUsage().maxRSS * 1024), after: mib(process.memoryUsage().rss) })}`);
