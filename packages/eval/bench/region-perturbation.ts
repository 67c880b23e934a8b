/**
 * Times region perturbation on the demo CNN: a batch of 16 generated shapes, LRP relevance,
 * 100 perturbation steps (2×2 regions, uniform noise) → 16 × 101 forward rows, in model batches of
 * 64, 128 and 256; reports seconds and the ratio to one forward pass of the 16 inputs.
 * Run: npm run bench:eval -w @xai/eval
 */
import { DEMO_MODEL, generateShapes, initBackend, loadModel } from '@xai/core';
import { coreExplainer, modelPredictor, pixelFlipping } from '../src/index.js';

const backend = await initBackend();
const model = await loadModel(DEMO_MODEL, { workers: false });
const count = 16;
const data = generateShapes(count, 11);
const targets = Array.from(data.labels);
const predict = modelPredictor(model);
await predict(data.images, count); // warm-up
const rounds = 10;
let t = performance.now();
for (let i = 0; i < rounds; i++) await predict(data.images, count);
const forwardMs = (performance.now() - t) / rounds;
const relevance = await coreExplainer(model, { method: 'lrp', options: { composite: 'epsilon_gamma_box', low: 0, high: 1 } })(data.images, count, targets);
console.log(`backend ${backend}; one forward pass of ${count} inputs: ${forwardMs.toFixed(1)} ms`);
for (const batchSize of [64, 128, 256]) {
  t = performance.now();
  const r = await pixelFlipping(predict, { inputs: data.images, relevance, shape: [32, 32, 3], targets }, { regionSize: 2, steps: 100, batchSize });
  const ms = performance.now() - t;
  const meanAopc = r.aopc.reduce((a, b) => a + b, 0) / count;
  console.log(
    `region perturbation, ${count} inputs × 101 steps, batch ${batchSize}: ${(ms / 1000).toFixed(2)} s ` +
      `(${(ms / forwardMs).toFixed(0)}× one forward pass of the ${count} inputs; mean AOPC ${meanAopc.toFixed(3)})`,
  );
}
model.dispose();
